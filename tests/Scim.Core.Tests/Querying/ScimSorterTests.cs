using System.Linq.Expressions;
using System.Text.Json.Nodes;
using Scim.Core.Errors;
using Scim.Core.Querying;
using Scim.Core.Resources;
using Scim.Core.Schema;

namespace Scim.Core.Tests.Querying;

/// <summary>
/// <see cref="ScimSorter"/> (RFC 7644 §3.4.2.3): missing values last when ascending and first when
/// descending, caseExact from the schema, multi-valued attributes by their primary value, dateTimes
/// and numbers by value; the JSON comparer and the LINQ ordering agree; bad input is a 400.
/// </summary>
public sealed class ScimSorterTests
{
    private const string Acme = SampleUsers.AcmeUrn;

    private static readonly SchemaRegistry Registry = SampleUsers.CreateRegistry();
    private static readonly ScimResourceType UserType = SampleUsers.UserType(Registry);
    private static readonly ScimSorter Sorter = new(Registry) { CaseFolding = CaseFolding.ToUpperInvariant };

    [Theory]
    [InlineData("title", SortOrder.Ascending, "c,a,b")]
    [InlineData("title", SortOrder.Descending, "b,a,c")]
    [InlineData("TITLE", SortOrder.Ascending, "c,a,b")]
    [InlineData(" title ", SortOrder.Ascending, "c,a,b")]
    public void Sort_MissingValue_LastAscendingFirstDescending(string sortBy, SortOrder order, string expected)
    {
        // a: "Beta", b: no title, c: "alpha" (case-insensitive: alpha < Beta).
        List<User> users = [new() { Id = "a", Title = "Beta" }, new() { Id = "b" }, new() { Id = "c", Title = "alpha" }];

        Assert.Equal(expected, SortJson(users, sortBy, order));
        Assert.Equal(expected, SortLinq(users, sortBy, order));
    }

    [Theory]
    // id is caseExact: ordinal "B1" < "a2". userName is not: "a2" < "B1".
    [InlineData("id", "B1,a2")]
    [InlineData("userName", "a2,B1")]
    [InlineData("externalId", "B1,a2")]
    public void CreateComparer_CaseExactness_FollowsSchema(string sortBy, string expected)
    {
        List<User> users = [new() { Id = "a2", UserName = "a2", ExternalId = "a2" }, new() { Id = "B1", UserName = "B1", ExternalId = "B1" }];

        Assert.Equal(expected, SortJson(users, sortBy, SortOrder.Ascending));
    }

    [Theory]
    [InlineData("id", false)]
    [InlineData("externalId", false)]
    [InlineData("meta.version", false)]
    [InlineData("userName", true)]
    [InlineData("emails", true)]
    [InlineData("name.familyName", true)]
    public void OrderBy_CaseExactness_FoldsOnlyCaseInsensitiveKeys(string sortBy, bool folded)
    {
        var query = Sorter.OrderBy(new List<User>().AsQueryable(), sortBy, SortOrder.Ascending, UserType, ResourceMappings.User);

        var methods = new MethodNames();
        methods.Visit(query.Expression);

        Assert.Equal(folded, methods.Names.Contains(nameof(string.ToUpperInvariant)));
    }

    [Theory]
    // p: primary "a@x" after a non-primary "z@x"; f: no primary, first "m@x"; n: no emails.
    [InlineData("emails", SortOrder.Ascending, "p,f,n")]
    [InlineData("emails.value", SortOrder.Ascending, "p,f,n")]
    [InlineData("emails", SortOrder.Descending, "n,f,p")]
    // p's primary email is "home", f's first is "work".
    [InlineData("emails.type", SortOrder.Ascending, "p,f,n")]
    public void Sort_MultiValued_UsesPrimaryThenFirstValue(string sortBy, SortOrder order, string expected)
    {
        List<User> users =
        [
            new() { Id = "n" },
            new() { Id = "f", Emails = [new() { Value = "m@x", Type = "work" }, new() { Value = "b@x", Type = "home" }] },
            new() { Id = "p", Emails = [new() { Value = "z@x", Type = "work", Primary = false }, new() { Value = "a@x", Type = "home", Primary = true }] },
        ];

        Assert.Equal(expected, SortJson(users, sortBy, order));
        Assert.Equal(expected, SortLinq(users, sortBy, order));
    }

    [Fact]
    public void CreateComparer_DateTimesWithOffsets_SortsByInstant()
    {
        // x is 05:00Z, y 06:00Z, z 06:30Z; as text the order would be z, y, x.
        var documents = new[]
        {
            ("z", "2020-01-01T05:30:00-01:00"),
            ("x", "2020-01-01T10:00:00+05:00"),
            ("y", "2020-01-01T06:00:00Z"),
        }.Select(p => new JsonObject { ["id"] = p.Item1, ["meta"] = new JsonObject { ["created"] = p.Item2 } });

        var sorted = documents.Order(Sorter.CreateComparer("meta.created", SortOrder.Ascending, UserType)).Select(d => (string)d["id"]!);

        Assert.Equal("x,y,z", string.Join(",", sorted));
    }

    [Fact]
    public void OrderBy_DateTimesWithOffsets_SortsByInstant()
    {
        List<User> users =
        [
            Created("z", new DateTimeOffset(2020, 1, 1, 5, 30, 0, TimeSpan.FromHours(-1))),
            Created("x", new DateTimeOffset(2020, 1, 1, 10, 0, 0, TimeSpan.FromHours(5))),
            Created("y", new DateTimeOffset(2020, 1, 1, 6, 0, 0, TimeSpan.Zero)),
            new() { Id = "w" },
        ];

        Assert.Equal("x,y,z,w", SortLinq(users, "meta.created", SortOrder.Ascending));
        Assert.Equal("x,y,z,w", SortJson(users, "meta.created", SortOrder.Ascending));
        Assert.Equal("w,z,y,x", SortLinq(users, "meta.created", SortOrder.Descending));
    }

    [Theory]
    // Numbers by value: as text "10" < "100" < "9".
    [InlineData("level", SortOrder.Ascending, "nine,ten,hundred,none")]
    [InlineData($"{Acme}:level", SortOrder.Descending, "none,hundred,ten,nine")]
    [InlineData("score", SortOrder.Ascending, "ten,nine,hundred,none")]
    [InlineData("verified", SortOrder.Ascending, "nine,hundred,ten,none")]
    public void CreateComparer_ExtensionScalars_SortByValue(string sortBy, SortOrder order, string expected)
    {
        // Parsed from text, as the evaluator and comparer receive canonical JSON.
        var documents = new[]
        {
            """{"id": "ten", "level": 10, "score": 0.5, "verified": true}""",
            """{"id": "none", "code": "x"}""",
            """{"id": "nine", "level": 9, "score": 4.25, "verified": false}""",
            """{"id": "hundred", "level": 100, "score": 12, "verified": false}""",
        }.Select(text =>
        {
            var values = JsonNode.Parse(text)!.AsObject();
            var id = values["id"]!.GetValue<string>();
            values.Remove("id");
            return new JsonObject { ["id"] = id, [Acme] = values };
        });

        var comparer = Sorter.CreateComparer(sortBy, order, UserType);
        var sorted = documents.Order(comparer).Select(d => (string)d["id"]!);

        Assert.Equal(expected, string.Join(",", sorted));
    }

    [Theory]
    [InlineData(SortOrder.Ascending, "f,t,n")]
    [InlineData(SortOrder.Descending, "n,t,f")]
    public void Sort_Boolean_FalseBeforeTrue(SortOrder order, string expected)
    {
        List<User> users = [new() { Id = "t", Active = true }, new() { Id = "n" }, new() { Id = "f", Active = false }];

        Assert.Equal(expected, SortJson(users, "active", order));
        Assert.Equal(expected, SortLinq(users, "active", order));
    }

    [Theory]
    [InlineData("nickname2", "nickname2")]
    [InlineData("name.nickname", "nickname")]
    [InlineData("userName.first", "userName")]
    [InlineData("urn:ietf:params:scim:schemas:core:2.0:Group:displayName", "urn:ietf:params:scim:schemas:core:2.0:Group:displayName")]
    [InlineData("emails[type eq \"work\"].value", "emails[type eq \"work\"]")]
    [InlineData("", "empty")]
    // Complex attributes without a "value" sub-attribute cannot be sorted by as a whole.
    [InlineData("name", "'name'")]
    [InlineData("meta", "'meta'")]
    [InlineData("manager", "manager'")]
    [InlineData("addresses", "'addresses'")]
    public void Sort_InvalidSortBy_ThrowsInvalidPath(string sortBy, string fragment)
    {
        AssertInvalid(ScimErrorType.InvalidPath, fragment, () => Sorter.CreateComparer(sortBy, SortOrder.Ascending, UserType));
        AssertInvalid(ScimErrorType.InvalidPath, fragment, () => Sorter.OrderBy(new List<User>().AsQueryable(), sortBy, SortOrder.Ascending, UserType, ResourceMappings.User));
    }

    [Theory]
    [InlineData("password", "'password'")]
    [InlineData("level", $"'{Acme}:level'")]
    public void OrderBy_UnmappedAttribute_ThrowsInvalidPath(string sortBy, string fragment)
    {
        // The JSON comparer can sort by it; the mapping has no member for it.
        Assert.NotNull(Sorter.CreateComparer(sortBy, SortOrder.Ascending, UserType));
        AssertInvalid(ScimErrorType.InvalidPath, fragment, () => Sorter.OrderBy(new List<User>().AsQueryable(), sortBy, SortOrder.Ascending, UserType, ResourceMappings.User));
    }

    [Theory]
    // R1's primary email "john@X.com" (its first is john@home.org); r2 has no primary, first "mary@y.com"; r3 has none.
    [InlineData("emails", SortOrder.Ascending, "R1,r2,r3")]
    // R1's primary (second) email is "work", like r2's first: a tie, broken by the key. (R1's first is "home".)
    [InlineData("emails.type", SortOrder.Descending, "r3,R1,r2")]
    // A non-nullable DateTime column: never missing.
    [InlineData("meta.created", SortOrder.Ascending, "r2,R1,r3")]
    [InlineData("meta.created", SortOrder.Descending, "r3,R1,r2")]
    [InlineData("name.givenName", SortOrder.Ascending, "R1,r2,r3")]
    [InlineData("name.givenName", SortOrder.Descending, "r3,r2,R1")]
    [InlineData("active", SortOrder.Ascending, "r2,R1,r3")]
    [InlineData("level", SortOrder.Descending, "r3,r2,R1")]
    public void OrderBy_CustomEntity_OrdersThroughMapping(string sortBy, SortOrder order, string expected)
    {
        var rows = Sorter.OrderBy(UserRows.Create().AsQueryable(), sortBy, order, UserType, UserRows.Mapping).ThenBy(r => r.Key);

        Assert.Equal(expected, string.Join(",", rows.Select(r => r.Key)));
    }

    [Theory]
    [InlineData("DESCENDING", SortOrder.Descending)]
    [InlineData("descending", SortOrder.Descending)]
    [InlineData("Ascending", SortOrder.Ascending)]
    [InlineData("", SortOrder.Ascending)]
    [InlineData(null, SortOrder.Ascending)]
    public void ParseOrder_KnownValue_ReturnsOrder(string? sortOrder, SortOrder expected) =>
        Assert.Equal(expected, ScimSorter.ParseOrder(sortOrder));

    [Theory]
    [InlineData("up")]
    [InlineData("asc")]
    [InlineData(" descending")]
    public void ParseOrder_UnknownValue_ThrowsInvalidValue(string sortOrder) =>
        AssertInvalid(ScimErrorType.InvalidValue, $"'{sortOrder}'", () => ScimSorter.ParseOrder(sortOrder));

    [Fact]
    public void Sort_EmptyString_IsMissingOnBothSides()
    {
        // The JSON comparer treats "" as no value (last when ascending); the LINQ ordering should too.
        List<User> users = [new() { Id = "a", Title = string.Empty }, new() { Id = "b", Title = "x" }, new() { Id = "c" }];

        Assert.Equal("b,a,c", SortJson(users, "title", SortOrder.Ascending));
        Assert.Equal("b,a,c", SortLinq(users, "title", SortOrder.Ascending));
    }

    [Fact]
    public void Sort_MultiValuedBooleanSubAttribute_UsesPrimaryValueOnBothSides()
    {
        // a's primary email (the second) has primary true; its first has primary false.
        // b has one email with primary false. Ascending by emails.primary: false before true.
        List<User> users =
        [
            new() { Id = "a", Emails = [new() { Value = "a1@x", Primary = false }, new() { Value = "a2@x", Primary = true }] },
            new() { Id = "b", Emails = [new() { Value = "b1@x", Primary = false }] },
        ];

        Assert.Equal("b,a", SortJson(users, "emails.primary", SortOrder.Ascending));
        Assert.Equal("b,a", SortLinq(users, "emails.primary", SortOrder.Ascending));
    }

    private static User Created(string id, DateTimeOffset created) => new() { Id = id, Meta = new ResourceMeta { Created = created } };

    /// <summary>The ids in the JSON comparer's order, ties broken by id (ordinal).</summary>
    private static string SortJson(IEnumerable<User> users, string sortBy, SortOrder order)
    {
        var comparer = Sorter.CreateComparer(sortBy, order, UserType);
        var thenById = Comparer<JsonObject>.Create((a, b) =>
        {
            var result = comparer.Compare(a, b);
            return result != 0 ? result : string.CompareOrdinal((string)a["id"]!, (string)b["id"]!);
        });
        return string.Join(",", users.Select(SampleUsers.ToJson).Order(thenById).Select(d => (string)d["id"]!));
    }

    /// <summary>The ids in the LINQ ordering, ties broken by id.</summary>
    private static string SortLinq(IEnumerable<User> users, string sortBy, SortOrder order) =>
        string.Join(",", Sorter.OrderBy(users.AsQueryable(), sortBy, order, UserType, ResourceMappings.User).ThenBy(u => u.Id).Select(u => u.Id));

    private static void AssertInvalid(string scimType, string fragment, Action action)
    {
        var error = Assert.Throws<ScimException>(action);

        Assert.Equal(400, error.Status);
        Assert.Equal(scimType, error.ScimType);
        Assert.Contains(fragment, error.Detail, StringComparison.Ordinal);
    }

    /// <summary>Collects the names of the methods an expression calls.</summary>
    private sealed class MethodNames : ExpressionVisitor
    {
        public HashSet<string> Names { get; } = new(StringComparer.Ordinal);

        protected override Expression VisitMethodCall(MethodCallExpression node)
        {
            Names.Add(node.Method.Name);
            return base.VisitMethodCall(node);
        }
    }
}
