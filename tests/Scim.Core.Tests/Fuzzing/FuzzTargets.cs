using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Scim.Core.Errors;
using Scim.Core.Filtering;
using Scim.Core.Patching;
using Scim.Core.Provisioning;
using Scim.Core.Schema;
using Scim.Core.Serialization;
using Scim.Core.Tests.Provisioning;

namespace Scim.Core.Tests.Fuzzing;

/// <summary>
/// The parts that read untrusted bytes, each behind one entry point that holds it to the promise:
/// every input is either served or refused with a <see cref="ScimException"/> of a 4xx status, and
/// whatever comes out (a resource, a list, a BulkResponse, the error itself) can be written as JSON.
/// Any other exception escapes, and the fuzz test reports the input. The fuzz tests and the
/// regression tests of what they found both call these.
/// </summary>
internal static class FuzzTargets
{
    private static readonly SchemaRegistry Registry = Frozen(SchemaRegistry.CreateDefault());

    private static readonly ScimSerializer Serializer = new(Registry);

    private static readonly ScimResourceType UserType = Registry.FindResourceType("User")!;

    private static readonly ScimResourceType GroupType = Registry.FindResourceType("Group")!;

    private static readonly FilterOptions Strict = new() { Strict = true };

    private static readonly FilterOptions Lenient = new();

    private static readonly ScimFilterEvaluator Evaluator = new(Registry, Lenient, cacheSize: 64);

    private static readonly ScimPatcher Patcher = new(Registry);

    private static readonly ScimPatcher RfcPatcher = new(Registry, new PatchOptions { Dialects = PatchDialects.None });

    /// <summary>A user with a value for nearly every attribute, in canonical JSON: what PATCHes and filters run against.</summary>
    private static readonly JsonObject RichUser = JsonNode.Parse($$$"""
        {"schemas":["{{{FuzzInputs.UserUrn}}}","{{{FuzzInputs.EnterpriseUrn}}}"],"id":"u-1","externalId":"x-1","userName":"bjensen",
         "name":{"formatted":"Ms. Barbara J Jensen III","familyName":"Jensen","givenName":"Barbara"},"displayName":"Babs Jensen","nickName":"Babs",
         "title":"Tour Guide","active":true,"locale":"en-US","timezone":"America/Los_Angeles",
         "emails":[{"value":"bjensen@example.com","type":"work","primary":true},{"value":"babs@jensen.org","type":"home"}],
         "phoneNumbers":[{"value":"555-555-5555","type":"work"}],"addresses":[{"streetAddress":"100 Universal City Plaza","type":"work","primary":true}],
         "roles":[{"value":"admin"}],"x509Certificates":[{"value":"TWFu"}],
         "meta":{"resourceType":"User","created":"2010-01-23T04:56:22Z","lastModified":"2011-05-13T04:42:34Z","version":"W/\"1\""},
         "{{{FuzzInputs.EnterpriseUrn}}}":{"employeeNumber":"701984","department":"Tour Operations","manager":{"value":"u-2","displayName":"John Smith"} } }
        """)!.AsObject();

    private static readonly JsonObject RichGroup = JsonNode.Parse($$$"""
        {"schemas":["{{{FuzzInputs.GroupUrn}}}"],"id":"g-1","externalId":"gx-1","displayName":"Tour Guides",
         "meta":{"resourceType":"Group","created":"2010-01-23T04:56:22Z","lastModified":"2011-05-13T04:42:34Z","version":"W/\"2\""}}
        """)!.AsObject();

    /// <summary>
    /// Per thread, a service over in-memory stores with a few users and groups, for searches (kept:
    /// searches write nothing, and the store's compiled filters are worth keeping) and for Bulk
    /// (replaced after 2,000 requests, so the stores stay small).
    /// </summary>
    [ThreadStatic]
    private static (ServiceKit Kit, int Uses)? t_searchKit;

    [ThreadStatic]
    private static (ServiceKit Kit, int Uses)? t_bulkKit;

    /// <summary>
    /// The two filter readers, each on its own (the hand-written one, and the grammar, which must
    /// agree on what is a filter) and together behind the public parser; then binding and
    /// evaluating what parsed, against a user and a group. Returns what became of the input.
    /// </summary>
    public static string Filter(string text, bool strict)
    {
        var fast = FastFilterParser.TryParseFilter(text, lenient: !strict);
        var (grammar, _) = ScimFilterParser.ParseWithGrammar(text, strict);
        Assert.True(fast is null || grammar is not null, "the fast reader accepted a filter the grammar refuses");
        FilterExpression? parsed = null;
        if (Refused(() => parsed = ScimFilterParser.Parse(text, strict ? Strict : Lenient)) is { } refused)
        {
            return "refused: " + refused;
        }

        var onUser = Refused(() => Evaluator.Compile(parsed!, UserType)(RichUser));
        _ = Refused(() => Evaluator.Compile(parsed!, GroupType)(RichGroup));
        return onUser is null ? "parsed, evaluated" : "parsed, refused when bound to User: " + onUser;
    }

    /// <summary>The two readers of PATCH paths, on their own and behind the parser the patcher uses.</summary>
    public static string PatchPath(string text, bool strict)
    {
        var fast = FastFilterParser.TryParsePatchPath(text, lenient: !strict);
        var (grammar, _) = ScimFilterParser.ParsePatchPathWithGrammar(text, strict);
        Assert.True(fast is null || grammar is not null, "the fast reader accepted a path the grammar refuses");
        return Refused(() => ScimFilterParser.ParsePatchPath(text, strict ? Strict : Lenient)) is { } refused ? "refused: " + refused : "parsed";
    }

    /// <summary>The resource reader: a body read as a User and as a Group, and what it read written back.</summary>
    public static string Resource(byte[] body)
    {
        var asUser = Refused(() => ScimSerializer.Serialize(Serializer.ReadUser(body)));
        var asGroup = Refused(() => ScimSerializer.Serialize(Serializer.ReadGroup(body)));
        return asUser is null ? "read as a User" : asGroup is null ? "read as a Group" : "refused: " + asUser;
    }

    /// <summary>
    /// The PATCH reader and applier, with every dialect and with none: a request that is read is
    /// applied to a user and a group; when it is refused, the resource is exactly as it was.
    /// </summary>
    public static string Patch(byte[] body)
    {
        string? outcome = null;
        foreach (var patcher in (ScimPatcher[])[Patcher, RfcPatcher])
        {
            PatchRequest? request = null;
            if (Refused(() => request = patcher.ReadRequest(body)) is { } unread)
            {
                outcome ??= "refused when read: " + unread;
                continue;
            }

            foreach (var (original, type) in (ReadOnlySpan<(JsonObject, ScimResourceType)>)[(RichUser, UserType), (RichGroup, GroupType)])
            {
                var resource = (JsonObject)original.DeepClone();
                try
                {
                    patcher.Apply(resource, type, request!);
                }
                catch (ScimException error) when (error.Status is >= 400 and < 500)
                {
                    Written(error);
                    Assert.True(JsonNode.DeepEquals(original, resource), $"a refused PATCH changed the resource: {error.Detail}");
                    outcome ??= "refused when applied to the User: " + Describe(error);
                    continue;
                }

                // The service turns the patched tree back into a typed resource before it is stored.
                var typed = Refused(() => ScimSerializer.Serialize(type == UserType ? ScimSerializer.ToUser(resource) : ScimSerializer.ToGroup(resource)));
                outcome ??= typed is null ? "applied to the User" : "applied, refused as a User: " + typed;
            }
        }

        return outcome!;
    }

    /// <summary>The SearchRequest reader, and what it read run as a search across Users and Groups (filter, sort, paging, projection).</summary>
    public static async Task<string> SearchAsync(byte[] body)
    {
        ScimListRequest? request = null;
        if (Refused(() => request = ScimListRequest.FromSearchRequest(body)) is { } unread)
        {
            return "refused when read: " + unread;
        }

        var kit = Kit(ref t_searchKit, int.MaxValue);
        var search = await RefusedAsync(async () => Written((await kit.Service.SearchAsync(ServiceKit.Context, request!)).WriteTo));
        return search is null ? "served" : "refused when run: " + search;
    }

    /// <summary>The Bulk reader and processor: a request refused as a whole writes nothing.</summary>
    public static async Task<string> BulkAsync(byte[] body)
    {
        var kit = Kit(ref t_bulkKit, 2_000);
        var changes = kit.Events.All.Count; // every write publishes an event
        ScimDocument response;
        try
        {
            response = await kit.Service.BulkAsync(ServiceKit.Context, body);
        }
        catch (ScimException error) when (error.Status is >= 400 and < 500)
        {
            Written(error);
            Assert.Equal(changes, kit.Events.All.Count);
            return "refused: " + Describe(error);
        }

        Written(response.WriteTo);
        var statuses = response.Body["Operations"]!.AsArray().Select(r => (string)r!["status"]!).ToList();
        var succeeded = statuses.Count(s => s[0] == '2');
        return statuses.Count == 0 ? "served, no operations"
            : succeeded == statuses.Count ? "served, every operation succeeded"
            : succeeded == 0 ? "served, every operation failed"
            : "served, some operations failed";
    }

    /// <summary>Runs a read; <see langword="null"/> when it succeeded, what refused it when a 4xx <see cref="ScimException"/> did.</summary>
    private static string? Refused(Action read)
    {
        try
        {
            read();
            return null;
        }
        catch (ScimException error) when (error.Status is >= 400 and < 500)
        {
            Written(error);
            return Describe(error);
        }
    }

    private static async Task<string?> RefusedAsync(Func<Task> read)
    {
        try
        {
            await read();
            return null;
        }
        catch (ScimException error) when (error.Status is >= 400 and < 500)
        {
            Written(error);
            return Describe(error);
        }
    }

    private static string Describe(ScimException error) => error.ScimType is { } type ? $"{error.Status} {type}" : $"{error.Status}";

    /// <summary>The error body can be written (its detail may quote the input).</summary>
    private static void Written(ScimException error) => Written(error.WriteTo);

    private static void Written(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, ScimSerializer.WriterOptions))
        {
            write(writer);
        }

        using var _ = JsonDocument.Parse(buffer.WrittenMemory);
    }

    private static ServiceKit Kit(ref (ServiceKit Kit, int Uses)? slot, int lifetime)
    {
        if (slot is { } current && current.Uses < lifetime)
        {
            slot = (current.Kit, current.Uses + 1);
            return current.Kit;
        }

        slot?.Kit.Dispose();
        var kit = new ServiceKit();
        Seed(kit).GetAwaiter().GetResult();
        slot = (kit, 1);
        return kit;
    }

    private static async Task Seed(ServiceKit kit)
    {
        var alice = await kit.Service.CreateAsync(ServiceKit.Context, "User", ServiceKit.Json($$$"""
            {"schemas":["{{{FuzzInputs.UserUrn}}}","{{{FuzzInputs.EnterpriseUrn}}}"],"userName":"alice","externalId":"a-1","name":{"givenName":"Alice","familyName":"Ash"},
             "emails":[{"value":"alice@example.com","type":"work","primary":true}],"active":true,"title":"Engineer",
             "{{{FuzzInputs.EnterpriseUrn}}}":{"employeeNumber":"1","manager":{"value":"x"} } }
            """));
        var bob = await kit.Service.CreateAsync(ServiceKit.Context, "User", ServiceKit.Json($$$"""
            {"schemas":["{{{FuzzInputs.UserUrn}}}"],"userName":"Bob","active":false,"addresses":[{"streetAddress":"1 Main St","type":"home"}]}
            """));
        await kit.Service.CreateAsync(ServiceKit.Context, "User", ServiceKit.UserBody("\u00e9ve"));
        await kit.Service.CreateAsync(ServiceKit.Context, "Group", ServiceKit.GroupBody("Tour Guides", alice.Id, bob.Id));
        await kit.Service.CreateAsync(ServiceKit.Context, "Group", ServiceKit.GroupBody("Empty"));
    }

    private static SchemaRegistry Frozen(SchemaRegistry registry)
    {
        registry.Freeze();
        return registry;
    }
}
