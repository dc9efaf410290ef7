using System.Text.Json.Nodes;
using CsCheck;
using Scim.Core.Errors;
using Scim.Core.Patching;
using Scim.Core.Resources;
using Scim.Core.Schema;
using Scim.Core.Serialization;
using static Scim.Core.Tests.Patching.PatchKit;

namespace Scim.Core.Tests.Patching;

/// <summary>
/// Random typed users (as a host stores them, turned into trees with
/// <see cref="ScimSerializer.ToJsonObject"/>) patched with random requests drawn from a pool of
/// operations on <c>title</c>, <c>displayName</c>, <c>active</c>, <c>name.givenName</c>,
/// <c>emails</c> (whole, filtered by type, filtered with <c>.value</c>), the enterprise
/// <c>employeeNumber</c> by URN path and <c>nickName</c> in a no-path value. Whatever the
/// request: either it fails with <c>noTarget</c> (a filtered replace with no match) and the tree is
/// untouched, or (a) the result is a valid User whose canonical form is stable and equals the
/// patched tree up to emptied values, and (b) <see cref="PatchResult.ChangedPaths"/> is exactly the
/// set of paths whose values differ, computed here by comparing the two trees.
/// </summary>
public sealed class PatchPropertyTests
{
    private static readonly ScimSchema CoreUser = Registry.FindSchema(UserUrn)!;

    private static readonly ScimSchema EnterpriseSchema = Registry.FindSchema(Enterprise)!;

    private static readonly Gen<string> Word = Gen.OneOf("Ann", "bob", "Cy", "dee", "Eve", "fay", "Guy", "x");

    private static readonly Gen<string?> MaybeWord = Gen.Frequency((1, Gen.Const((string?)null)), (3, Word.Select(w => (string?)w)));

    private static readonly Gen<string> EmailType = Gen.OneOf("work", "home", "other");

    private static readonly Gen<string?> MaybeEmailType = Gen.OneOf<string?>("work", "home", "other", null);

    private static readonly Gen<bool?> MaybeBool = Gen.OneOf<bool?>(true, false, null);

    private static readonly Gen<Email> EmailGen = Gen.Select(Word, MaybeEmailType, MaybeBool, (local, type, primary) =>
        new Email { Value = local + "@example.com", Type = type, Primary = primary });

    private static readonly Gen<User> UserGen = Gen.Select(
        Gen.Select(Word, MaybeWord, MaybeWord, MaybeWord, MaybeBool),
        Gen.Frequency((1, Gen.Const((Name?)null)), (3, Gen.Select(MaybeWord, MaybeWord, (given, family) => (Name?)new Name { GivenName = given, FamilyName = family }))),
        EmailGen.List[0, 3],
        Gen.Frequency((1, Gen.Const((EnterpriseUser?)null)), (2, Gen.Select(Word, MaybeWord, (number, department) => (EnterpriseUser?)new EnterpriseUser { EmployeeNumber = number, Department = department }))),
        (scalars, name, emails, enterprise) => new User
        {
            Id = "u-" + scalars.Item1,
            UserName = scalars.Item1,
            Title = scalars.Item2,
            DisplayName = scalars.Item3,
            NickName = scalars.Item4,
            Active = scalars.Item5,
            Name = name,
            Emails = emails,
            EnterpriseUser = enterprise,
        });

    private static readonly Gen<string> ValueJson = Word.Select(w => $"\"{w}\"");

    private static readonly Gen<string> ValueOrNullJson = Gen.Frequency((1, Gen.Const("null")), (4, ValueJson));

    private static readonly Gen<string> EmailJson = Gen.Select(Word, MaybeEmailType, MaybeBool, (local, type, primary) =>
        "{" + string.Join(",", new[]
        {
            $"\"value\":\"{local}@example.com\"",
            type is null ? null : $"\"type\":\"{type}\"",
            primary is null ? null : $"\"primary\":{(primary.Value ? "true" : "false")}",
        }.Where(p => p is not null)) + "}");

    private static readonly Gen<string> OperationGen = Gen.OneOf(
        Gen.Select(Gen.OneOf("title", "displayName"), ValueOrNullJson, (path, value) => $$"""{"op":"replace","path":"{{path}}","value":{{value}}}"""),
        Gen.Select(Gen.OneOf("title", "displayName"), ValueJson, (path, value) => $$"""{"op":"add","path":"{{path}}","value":{{value}}}"""),
        Gen.OneOf("title", "displayName", "active", "name.givenName", "emails").Select(path => $$"""{"op":"remove","path":"{{path}}"}"""),
        Gen.Select(Gen.OneOf("replace", "add", "Replace"), Gen.OneOf("true", "false", "\"True\"", "\"False\""), (op, value) => $$"""{"op":"{{op}}","path":"active","value":{{value}}}"""),
        Gen.Select(Gen.OneOf("replace", "add"), ValueOrNullJson, (op, value) => $$"""{"op":"{{op}}","path":"name.givenName","value":{{value}}}"""),
        EmailJson.Array[0, 2].Select(list => $$"""{"op":"add","path":"emails","value":[{{string.Join(",", list)}}]}"""),
        EmailJson.Array[0, 3].Select(list => $$"""{"op":"replace","path":"emails","value":[{{string.Join(",", list)}}]}"""),
        EmailType.Select(type => $$"""{"op":"remove","path":"emails[type eq \"{{type}}\"]"}"""),
        Gen.Select(EmailType, Word, (type, display) => $$$"""{"op":"replace","path":"emails[type eq \"{{{type}}}\"]","value":{"display":"{{{display}}}"}}"""),
        Gen.Select(EmailType, Word, (type, local) => $$"""{"op":"replace","path":"emails[type eq \"{{type}}\"].value","value":"{{local}}@example.org"}"""),
        Gen.Select(EmailType, Gen.Bool, (type, primary) => $$"""{"op":"replace","path":"emails[type eq \"{{type}}\"].primary","value":{{(primary ? "true" : "false")}}}"""),
        EmailType.Select(type => $$"""{"op":"remove","path":"emails[type eq \"{{type}}\"].value"}"""),
        Gen.Select(Gen.OneOf("replace", "add"), ValueOrNullJson, (op, value) => $$"""{"op":"{{op}}","path":"{{Enterprise}}:employeeNumber","value":{{value}}}"""),
        Gen.Const($$"""{"op":"remove","path":"{{Enterprise}}:employeeNumber"}"""),
        Gen.Select(Gen.OneOf("replace", "add"), ValueOrNullJson, (op, value) => $$$"""{"op":"{{{op}}}","value":{"nickName":{{{value}}}}}"""));

    [Fact]
    public void Apply_RandomRequestsOnRandomUsers_ResultValidStableAndChangedPathsExact()
    {
        Gen.Select(UserGen, OperationGen.Array[1, 5]).Sample(
            (user, operations) => Check(ScimSerializer.ToJsonObject(user), operations),
            iter: 2_000,
            print: Show);
    }

    [Fact]
    public void Apply_RandomFailingRequests_LeaveTreeByteForByte()
    {
        // A last operation that always fails, after random ones that may have changed anything.
        const string Failing = """{"op":"replace","path":"emails[type eq \"pager\"]","value":{"display":"never"}}""";
        Gen.Select(UserGen, OperationGen.Array[1, 5]).Sample(
            (user, operations) =>
            {
                var tree = ScimSerializer.ToJsonObject(user);
                var before = tree.ToJsonString();
                var error = Assert.Throws<ScimException>(() => Apply(tree, UserType, Message([.. operations, Failing])));
                Assert.Equal(ScimErrorType.NoTarget, error.ScimType);
                Assert.Equal(before, tree.ToJsonString());
            },
            iter: 1_000,
            print: Show);
    }

    private static string Show((User User, string[] Operations) sample) =>
        ScimSerializer.ToJsonObject(sample.User).ToJsonString() + "\n" + Message(sample.Operations);

    private static void Check(JsonObject original, string[] operations)
    {
        var tree = (JsonObject)original.DeepClone();
        PatchResult result;
        try
        {
            result = Apply(tree, UserType, Message(operations));
        }
        catch (ScimException error)
        {
            // The pool's only failure: a filtered replace whose filter matches nothing. The values are
            // restored (the property order too, checked by Apply_RandomFailingRequests_LeaveTreeByteForByte).
            Assert.Equal(ScimErrorType.NoTarget, error.ScimType);
            Assert.True(JsonNode.DeepEquals(original, tree), "Not restored: " + tree.ToJsonString());
            return;
        }

        // (a) The patched tree is a valid User; its canonical form is a fixed point and holds the
        // same values as the patched tree (which may keep objects emptied by the PATCH).
        var canonical = ScimSerializer.ToJsonObject(ScimSerializer.ToUser(tree));
        var again = ScimSerializer.ToJsonObject(ScimSerializer.ToUser(canonical));
        Assert.True(JsonNode.DeepEquals(canonical, again), "Not stable: " + canonical.ToJsonString() + " then " + again.ToJsonString());
        Assert.True(JsonNode.DeepEquals(Pruned(canonical), Pruned(tree)), "Canonical form " + canonical.ToJsonString() + " differs from patched tree " + tree.ToJsonString());
        Assert.True(JsonNode.DeepEquals(canonical["schemas"], tree["schemas"]), "schemas: " + tree["schemas"]!.ToJsonString());

        // (b) ChangedPaths is exactly what differs.
        var expected = DifferingPaths(original, tree);
        Assert.Equal(result.ChangedPaths.Count, result.ChangedPaths.Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(expected.Order(StringComparer.Ordinal), result.ChangedPaths.Order(StringComparer.Ordinal));
        Assert.Equal(expected.Count > 0, result.Changed);
    }

    /// <summary>
    /// The paths whose values differ: per sub-attribute for a singular complex attribute present
    /// as an object on both sides, the whole attribute otherwise; extension attributes prefixed
    /// with their URN. <c>schemas</c> is derived, not an attribute.
    /// </summary>
    private static List<string> DifferingPaths(JsonObject before, JsonObject after)
    {
        var paths = new List<string>();
        foreach (var key in Keys(before, after))
        {
            if (key == "schemas")
            {
                continue;
            }

            if (key == Enterprise)
            {
                var b = before[key] as JsonObject ?? [];
                var a = after[key] as JsonObject ?? [];
                foreach (var inner in Keys(b, a))
                {
                    Compare(paths, $"{Enterprise}:{inner}", EnterpriseSchema.FindAttribute(inner), b[inner], a[inner]);
                }

                continue;
            }

            Compare(paths, key, CoreUser.FindAttribute(key) ?? CommonAttributes.Find(key), before[key], after[key]);
        }

        return paths;
    }

    private static void Compare(List<string> paths, string path, SchemaAttribute? attribute, JsonNode? before, JsonNode? after)
    {
        Assert.NotNull(attribute);
        if (JsonNode.DeepEquals(before, after))
        {
            return;
        }

        if (attribute.Type == AttributeType.Complex && !attribute.MultiValued && before is JsonObject b && after is JsonObject a)
        {
            paths.AddRange(Keys(b, a).Where(sub => !JsonNode.DeepEquals(b[sub], a[sub])).Select(sub => $"{path}.{sub}"));
            return;
        }

        paths.Add(path);
    }

    private static IEnumerable<string> Keys(JsonObject first, JsonObject second) =>
        first.Select(p => p.Key).Union(second.Select(p => p.Key), StringComparer.Ordinal);

    /// <summary>A copy without <c>schemas</c> and without empty objects and arrays (both mean "unassigned").</summary>
    private static JsonObject Pruned(JsonObject tree)
    {
        var copy = (JsonObject)tree.DeepClone();
        copy.Remove("schemas");
        Prune(copy);
        return copy;
    }

    private static bool Prune(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var key in obj.Select(p => p.Key).ToList())
                {
                    if (Prune(obj[key]))
                    {
                        obj.Remove(key);
                    }
                }

                return obj.Count == 0;
            case JsonArray array:
                for (var i = array.Count - 1; i >= 0; i--)
                {
                    if (Prune(array[i]))
                    {
                        array.RemoveAt(i);
                    }
                }

                return array.Count == 0;
            default:
                return node is null;
        }
    }
}
