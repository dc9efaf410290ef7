using System.Text;
using System.Text.Json.Nodes;
using Scim.Core.Stores;
using Scim.Core.Bulk;
using Scim.Core.Errors;
using Scim.Core.Events;
using Scim.Core.Provisioning;
using Scim.Core.Tests.Provisioning;

namespace Scim.Core.Tests.Bulk;

/// <summary>BulkRequest processing (RFC 7644 §3.7) through the provisioning service and the in-memory stores.</summary>
public sealed class BulkProcessorTests
{
    private const string BulkRequest = "urn:ietf:params:scim:api:messages:2.0:BulkRequest";

    private static ReadOnlyMemory<byte> Request(string operations, int? failOnErrors = null) =>
        Encoding.UTF8.GetBytes($$"""{"schemas":["{{BulkRequest}}"]{{(failOnErrors is { } n ? $",\"failOnErrors\":{n}" : string.Empty)}},"Operations":[{{operations}}]}""");

    private static async Task<JsonArray> RunAsync(ServiceKit kit, ReadOnlyMemory<byte> body)
    {
        var response = (await kit.Service.BulkAsync(ServiceKit.Context, body, TestContext.Current.CancellationToken)).Body;
        Assert.Equal("urn:ietf:params:scim:api:messages:2.0:BulkResponse", (string?)response["schemas"]![0]);
        return response["Operations"]!.AsArray();
    }

    private static string Status(JsonNode? result) => (string)result!["status"]!;

    [Fact]
    public async Task Rfc7644Section372_UserThenGroupReferringToIt_ResolvesBulkId()
    {
        using var kit = new ServiceKit();
        var results = await RunAsync(kit, Request("""
            {"method":"POST","path":"/Users","bulkId":"qwerty","data":{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"Alice"}},
            {"method":"POST","path":"/Groups","bulkId":"ytrewq","data":{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"Tour Guides","members":[{"type":"User","value":"bulkId:qwerty"}]}}
            """));

        Assert.Equal(["201", "201"], results.Select(Status));
        var userLocation = (string)results[0]!["location"]!;
        var userId = userLocation[(userLocation.LastIndexOf('/') + 1)..];
        var groupId = ((string)results[1]!["location"]!).Split('/')[^1];
        var group = (await kit.Service.GetAsync(ServiceKit.Context, "Groups", groupId, cancellationToken: TestContext.Current.CancellationToken)).ToJson();
        Assert.Equal([userId], group["members"]!.AsArray().Select(m => (string?)m!["value"]));
        Assert.Equal("qwerty", (string?)results[0]!["bulkId"]);
        Assert.StartsWith("W/\"", (string)results[0]!["version"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ForwardReference_GroupBeforeItsUser_RunsInDependencyOrder()
    {
        using var kit = new ServiceKit();
        var results = await RunAsync(kit, Request("""
            {"method":"POST","path":"/Groups","bulkId":"g","data":{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"G","members":[{"value":"bulkId:u"}]}},
            {"method":"POST","path":"/Users","bulkId":"u","data":{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"later"}}
            """));

        Assert.Equal(["201", "201"], results.Select(Status));
        Assert.Equal("g", (string?)results[0]!["bulkId"]); // results keep the request's order
        var groupId = ((string)results[0]!["location"]!).Split('/')[^1];
        var userId = ((string)results[1]!["location"]!).Split('/')[^1];
        var group = (await kit.Service.GetAsync(ServiceKit.Context, "Groups", groupId, cancellationToken: TestContext.Current.CancellationToken)).ToJson();
        Assert.Equal([(userId, "User")], group["members"]!.AsArray().Select(m => ((string)m!["value"]!, (string)m["type"]!)));
    }

    [Fact]
    public async Task Rfc7644Section371_CircularGroups_AreBothCreatedWithEachOtherAsMembers()
    {
        using var kit = new ServiceKit();
        var results = await RunAsync(kit, Request("""
            {"method":"POST","path":"/Groups","bulkId":"qwerty","data":{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"Group A","members":[{"type":"Group","value":"bulkId:ytrewq"}]}},
            {"method":"POST","path":"/Groups","bulkId":"ytrewq","data":{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"Group B","members":[{"type":"Group","value":"bulkId:qwerty"}]}}
            """));

        Assert.Equal(["201", "201"], results.Select(Status));
        var a = ((string)results[0]!["location"]!).Split('/')[^1];
        var b = ((string)results[1]!["location"]!).Split('/')[^1];
        var groupA = (await kit.Service.GetAsync(ServiceKit.Context, "Groups", a, cancellationToken: TestContext.Current.CancellationToken)).ToJson();
        var groupB = (await kit.Service.GetAsync(ServiceKit.Context, "Groups", b, cancellationToken: TestContext.Current.CancellationToken)).ToJson();
        Assert.Equal([b], groupA["members"]!.AsArray().Select(m => (string?)m!["value"]));
        Assert.Equal([a], groupB["members"]!.AsArray().Select(m => (string?)m!["value"]));
        Assert.Equal((string?)groupA["meta"]!["version"], (string?)results[0]!["version"]);
    }

    /// <summary>
    /// A create whose cyclic references cannot be added afterwards failed as a whole: the resource
    /// made without them is deleted again (it was reported failed, with no location, so nobody could
    /// find it), and a group that had listed it lets it go.
    /// </summary>
    [Fact]
    public async Task CycleWhoseReferencesCannotBeAdded_FailsTheCreate_AndLeavesNothingBehind()
    {
        using var kit = new ServiceKit();
        var results = await RunAsync(kit, Request("""
            {"method":"POST","path":"/Users","bulkId":"u","data":{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"ada"}},
            {"method":"POST","path":"/Groups","bulkId":"self","data":{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"Itself","members":[{"value":"bulkId:u"},{"value":"bulkId:self","type":"Group"}]}},
            {"method":"POST","path":"/Groups","bulkId":"a","data":{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"A","members":[{"value":"bulkId:b","type":"User"}]}},
            {"method":"POST","path":"/Groups","bulkId":"b","data":{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"B","members":[{"value":"bulkId:a","type":"Group"}]}}
            """));

        Assert.Equal(["201", "400", "400", "201"], results.Select(Status));
        Assert.Null(results[1]!["location"]);
        var groups = (await kit.Service.ListAsync(ServiceKit.Context, "Groups", null, TestContext.Current.CancellationToken)).Resources;
        var b = Assert.Single(groups);
        Assert.Equal("B", ((Scim.Core.Resources.Group)b.Resource).DisplayName);
        Assert.Empty(((Scim.Core.Resources.Group)b.Resource).Members); // A, deleted again, left B's members
        Assert.Equal(1, (await kit.Service.ListAsync(ServiceKit.Context, "Users", null, TestContext.Current.CancellationToken)).TotalResults);
    }

    /// <summary>
    /// <c>failOnErrors</c> stops new operations, not the ones already run: a create made without
    /// its cyclic references still gets them, so what was answered 201 is what was asked for (the
    /// failing PUT waits for the group it names, so it runs after the cycle was broken).
    /// </summary>
    [Fact]
    public async Task FailOnErrors_ReachedAfterACycleWasBroken_TheCreatedGroupStillGetsItsMembers()
    {
        using var kit = new ServiceKit();
        var results = await RunAsync(kit, Request("""
            {"method":"POST","path":"/Groups","bulkId":"a","data":{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"A","members":[{"value":"bulkId:b","type":"Group"}]}},
            {"method":"POST","path":"/Groups","bulkId":"b","data":{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"B","members":[{"value":"bulkId:a","type":"Group"}]}},
            {"method":"PUT","path":"/Groups/bulkId:a","data":{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"]}},
            {"method":"PATCH","path":"/Groups/bulkId:b","data":{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"displayName","value":"never"}]}}
            """, failOnErrors: 1));

        Assert.Equal(["201", "201", "400"], results.Select(Status));
        foreach (var result in results.Take(2))
        {
            var id = ((string)result!["location"]!).Split('/')[^1];
            var group = (await kit.Service.GetAsync(ServiceKit.Context, "Groups", id, cancellationToken: TestContext.Current.CancellationToken)).ToJson();
            Assert.Single(group["members"]!.AsArray());
            Assert.Equal((string?)group["meta"]!["version"], (string?)result["version"]);
        }
    }

    [Fact]
    public async Task UnknownBulkId_FailsThatOperationOnly()
    {
        using var kit = new ServiceKit();
        var results = await RunAsync(kit, Request("""
            {"method":"POST","path":"/Groups","bulkId":"g","data":{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"G","members":[{"value":"bulkId:nobody"}]}},
            {"method":"POST","path":"/Users","bulkId":"u","data":{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"fine"}}
            """));

        Assert.Equal(["409", "201"], results.Select(Status));
        Assert.Equal("invalidValue", (string?)results[0]!["response"]!["scimType"]);
        Assert.Contains("nobody", (string)results[0]!["response"]!["detail"]!, StringComparison.Ordinal);
        Assert.Equal(1, (await kit.Service.ListAsync(ServiceKit.Context, "Users", null, TestContext.Current.CancellationToken)).TotalResults);
        Assert.Equal(0, (await kit.Service.ListAsync(ServiceKit.Context, "Groups", null, TestContext.Current.CancellationToken)).TotalResults);
    }

    [Fact]
    public async Task ReferenceToAFailedCreate_FailsTheDependentOperation()
    {
        using var kit = new ServiceKit();
        var results = await RunAsync(kit, Request("""
            {"method":"POST","path":"/Users","bulkId":"bad","data":{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"]}},
            {"method":"POST","path":"/Groups","bulkId":"g","data":{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"G","members":[{"value":"bulkId:bad"}]}}
            """));

        Assert.Equal(["400", "409"], results.Select(Status));
        Assert.Equal(0, (await kit.Service.ListAsync(ServiceKit.Context, "Groups", null, TestContext.Current.CancellationToken)).TotalResults);
    }

    [Theory]
    [InlineData(1, 2)]
    [InlineData(2, 4)]
    public async Task FailOnErrors_StopsAfterThatManyErrors(int failOnErrors, int processed)
    {
        using var kit = new ServiceKit();
        await kit.CreateUserAsync("taken");
        var results = await RunAsync(kit, Request("""
            {"method":"POST","path":"/Users","bulkId":"a","data":{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"a"}},
            {"method":"POST","path":"/Users","bulkId":"b","data":{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"taken"}},
            {"method":"POST","path":"/Users","bulkId":"c","data":{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"c"}},
            {"method":"POST","path":"/Users","bulkId":"d","data":{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"TAKEN"}},
            {"method":"POST","path":"/Users","bulkId":"e","data":{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"e"}}
            """, failOnErrors));

        Assert.Equal(processed, results.Count);
        Assert.Equal("409", Status(results[1]));
        Assert.Equal("uniqueness", (string?)results[1]!["response"]!["scimType"]);
        Assert.Equal(1 + processed - failOnErrors, (await kit.Service.ListAsync(ServiceKit.Context, "Users", null, TestContext.Current.CancellationToken)).TotalResults);
    }

    [Fact]
    public async Task Version_StaleInsideBulk_Is412ForThatOperation_MatchingAppliesIt()
    {
        using var kit = new ServiceKit();
        var created = await kit.Service.CreateAsync(ServiceKit.Context, "Users", ServiceKit.UserBody("v"), cancellationToken: TestContext.Current.CancellationToken);
        var current = created.Version.Replace("\"", "\\\"", StringComparison.Ordinal);
        var results = await RunAsync(kit, Request($$$"""
            {"method":"PATCH","path":"/Users/{{{created.Id}}}","version":"W/\"stale\"","data":{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"displayName","value":"No"}]}},
            {"method":"PATCH","path":"/Users/{{{created.Id}}}","version":"{{{current}}}","data":{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"displayName","value":"Yes"}]}}
            """));

        Assert.Equal(["412", "200"], results.Select(Status));
        var user = (await kit.Service.GetAsync(ServiceKit.Context, "Users", created.Id, cancellationToken: TestContext.Current.CancellationToken)).ToJson();
        Assert.Equal("Yes", (string?)user["displayName"]);
    }

    [Fact]
    public async Task Version_NotAString_FailsTheOperation_InsteadOfDroppingItsPrecondition()
    {
        using var kit = new ServiceKit();
        var created = await kit.Service.CreateAsync(ServiceKit.Context, "Users", ServiceKit.UserBody("v"), cancellationToken: TestContext.Current.CancellationToken);
        var results = await RunAsync(kit, Request($$$"""
            {"method":"PATCH","path":"/Users/{{{created.Id}}}","version":5,"data":{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"displayName","value":"No"}]}},
            {"method":"POST","path":"/Users","bulkId":"","data":{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"empty-bulk-id"}},
            {"method":"POST","path":"/Users","bulkId":["x"],"data":{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"array-bulk-id"}}
            """));

        Assert.Equal(["400", "400", "400"], results.Select(Status));
        Assert.All(results, r => Assert.Equal("invalidValue", (string?)r!["response"]!["scimType"]));
        Assert.Contains("'version' must be a string", (string?)results[0]!["response"]!["detail"], StringComparison.Ordinal);
        Assert.Contains("'bulkId' must not be empty", (string?)results[1]!["response"]!["detail"], StringComparison.Ordinal);
        Assert.Null((await kit.Service.GetAsync(ServiceKit.Context, "Users", created.Id, cancellationToken: TestContext.Current.CancellationToken)).ToJson()["displayName"]);
        Assert.Equal(1, (await kit.Service.ListAsync(ServiceKit.Context, "Users", null, TestContext.Current.CancellationToken)).TotalResults);
    }

    [Fact]
    public async Task PutAndDelete_WithBulkIdInPath_UseTheCreatedId()
    {
        using var kit = new ServiceKit();
        var results = await RunAsync(kit, Request("""
            {"method":"POST","path":"/Users","bulkId":"u","data":{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"u1"}},
            {"method":"PUT","path":"/Users/bulkId:u","data":{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"u1","displayName":"Replaced"}},
            {"method":"DELETE","path":"/Users/bulkId:u"}
            """));

        Assert.Equal(["201", "200", "204"], results.Select(Status));
        Assert.Equal(0, (await kit.Service.ListAsync(ServiceKit.Context, "Users", null, TestContext.Current.CancellationToken)).TotalResults);
        Assert.Equal([ScimChangeKind.Created, ScimChangeKind.Replaced, ScimChangeKind.Deleted], kit.Events.All.Select(e => e.Kind));
    }

    [Theory]
    [InlineData("""{"method":"GET","path":"/Users"}""", "400", "invalidValue")]
    [InlineData("""{"method":"POST","path":"/Users","data":{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"x"}}""", "400", "invalidValue")]
    [InlineData("""{"method":"POST","path":"/Devices","bulkId":"d","data":{}}""", "400", "invalidPath")]
    [InlineData("""{"method":"DELETE","path":"/Users"}""", "400", "invalidPath")]
    [InlineData("""{"method":"PUT","path":"/Users/1"}""", "400", "invalidSyntax")]
    [InlineData("""{"method":"DELETE","path":"/Users/does-not-exist"}""", "404", null)]
    public async Task BadOperation_GetsItsOwnError(string operation, string status, string? scimType)
    {
        using var kit = new ServiceKit();
        var results = await RunAsync(kit, Request(operation));

        Assert.Equal(status, Status(results[0]));
        Assert.Equal(scimType, (string?)results[0]!["response"]!["scimType"]);
        Assert.Equal(status, (string?)results[0]!["response"]!["status"]);
    }

    [Theory]
    [InlineData("not json", "invalidSyntax")]
    [InlineData("""{"Operations":[]}""", "invalidSyntax")]
    [InlineData("""{"schemas":["urn:ietf:params:scim:api:messages:2.0:BulkRequest"]}""", "invalidSyntax")]
    [InlineData("""{"schemas":["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],"failOnErrors":0,"Operations":[]}""", "invalidValue")]
    public async Task MalformedRequest_Is400(string body, string scimType)
    {
        using var kit = new ServiceKit();
        var error = await Assert.ThrowsAsync<ScimException>(() => RunAsync(kit, Encoding.UTF8.GetBytes(body)));
        Assert.Equal((400, scimType), (error.Status, error.ScimType));
    }

    [Theory]
    [InlineData("""{"schemas":["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],"Operations":[],"Operations":[]}""")]
    [InlineData("""{"schemas":["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],"Operations":[],"operations":[]}""")]
    [InlineData("""{"schemas":["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],"Operations":[{"method":"POST","path":"/Users\ud800","bulkId":"a","data":{}}]}""")]
    public async Task RepeatedMemberOrTextThatIsNotUnicode_Is400InvalidSyntax_AndNothingRuns(string body)
    {
        using var kit = new ServiceKit();
        var error = await Assert.ThrowsAsync<ScimException>(() => RunAsync(kit, Encoding.UTF8.GetBytes(body)));
        Assert.Equal((400, ScimErrorType.InvalidSyntax), (error.Status, error.ScimType));
        Assert.Equal(0, kit.Users.Count(ServiceKit.Context.Tenant));
    }

    // Found by fuzzing: data is copied into a tree before it runs, and a number beyond decimal's
    // range threw FormatException there, a 500 for the whole request.
    [Theory]
    [InlineData("1e400")]
    [InlineData("-1e300")]
    [InlineData("79228162514264337593543950336")]
    public async Task NumberBeyondDecimalInData_FailsThatOperationAsASingleRequestWould(string number)
    {
        using var kit = new ServiceKit();
        var single = await ServiceKit.ThrowsScimAsync(400, ScimErrorType.InvalidValue, () => kit.Service.CreateAsync(ServiceKit.Context, "User", ServiceKit.Json($$"""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"a","nickName":{{number}} }"""), null, TestContext.Current.CancellationToken));

        var results = await RunAsync(kit, Request($$"""
            {"method":"POST","path":"/Users","bulkId":"a","data":{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"a","nickName":{{number}} } },
            {"method":"POST","path":"/Users","bulkId":"b","data":{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"b"} }
            """));

        Assert.Equal(["400", "201"], results.Select(Status));
        Assert.Equal(single.Detail, (string?)results[0]!["response"]!["detail"]);
    }

    [Fact]
    public async Task InvalidUtf8InAPath_Is400InvalidSyntax()
    {
        using var kit = new ServiceKit();
        var head = Encoding.UTF8.GetBytes("""{"schemas":["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],"Operations":[{"method":"DELETE","path":"/Users/""");
        var tail = Encoding.UTF8.GetBytes("\"}]}");
        var error = await Assert.ThrowsAsync<ScimException>(() => RunAsync(kit, (byte[])[.. head, 0xff, .. tail]));
        Assert.Equal((400, ScimErrorType.InvalidSyntax), (error.Status, error.ScimType));
    }

    [Fact]
    public async Task OperationsWaitingOnLaterOnes_RunInTheNextSweep_InRequestOrder()
    {
        using var kit = new ServiceKit();
        var results = await RunAsync(kit, Request("""
            {"method":"POST","path":"/Groups","bulkId":"a","data":{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"A","members":[{"value":"bulkId:c"}]}},
            {"method":"POST","path":"/Users","bulkId":"b","data":{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"b"}},
            {"method":"POST","path":"/Users","bulkId":"c","data":{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"c"}},
            {"method":"POST","path":"/Groups","bulkId":"d","data":{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"D","members":[{"value":"bulkId:c"}]}}
            """));

        Assert.Equal(["201", "201", "201", "201"], results.Select(Status));
        Assert.Equal(["a", "b", "c", "d"], results.Select(r => (string?)r!["bulkId"]));

        // b and c in the first sweep, then d (after c, in the same sweep), then a in the next.
        var created = new List<string>();
        foreach (var change in kit.Events.All)
        {
            var resource = (await kit.Service.GetAsync(ServiceKit.Context, change.ResourceType, change.ResourceId, cancellationToken: TestContext.Current.CancellationToken)).Resource;
            created.Add(resource is Scim.Core.Resources.User user ? user.UserName! : ((Scim.Core.Resources.Group)resource).DisplayName!);
        }

        Assert.Equal(["b", "c", "D", "A"], created);
    }

    [Fact]
    public async Task ReversedChainOfAThousandGroups_EachContainsTheNext()
    {
        using var kit = new ServiceKit();
        const int Count = 1000;
        var operations = Enumerable.Range(0, Count).Select(i => i == Count - 1
            ? $$$"""{"method":"POST","path":"/Groups","bulkId":"g{{{i}}}","data":{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"G{{{i}}}"}}"""
            : $$$"""{"method":"POST","path":"/Groups","bulkId":"g{{{i}}}","data":{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"G{{{i}}}","members":[{"value":"bulkId:g{{{i + 1}}}"}]}}""");

        var results = await RunAsync(kit, Request(string.Join(",", operations)));

        Assert.Equal(Count, results.Count);
        Assert.All(results, r => Assert.Equal("201", Status(r)));
        var ids = results.Select(r => ((string)r!["location"]!).Split('/')[^1]).ToList();
        for (var i = 0; i < Count - 1; i += 111)
        {
            var group = await kit.Groups.GetAsync(ServiceKit.Context, ids[i], ReadHints.All, TestContext.Current.CancellationToken);
            Assert.Equal([ids[i + 1]], group!.Members.Select(m => m.Value));
        }

        // The last group runs first, each sweep then reaches one more: the creates come in reverse.
        Assert.Equal(ids.AsEnumerable().Reverse(), kit.Events.All.Select(e => e.ResourceId));
    }

    [Fact]
    public async Task TooManyOperations_Is413NamingTheLimit_AndNothingRuns()
    {
        using var kit = new ServiceKit(new ScimServiceOptions { Bulk = { MaxOperations = 2 } });
        var operations = string.Join(",", Enumerable.Range(0, 3).Select(i => $$$"""{"method":"POST","path":"/Users","bulkId":"u{{{i}}}","data":{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"u{{{i}}}"}}"""));
        var error = await Assert.ThrowsAsync<ScimException>(() => RunAsync(kit, Request(operations)));
        Assert.Equal(413, error.Status);
        Assert.Contains("maxOperations", error.Detail, StringComparison.Ordinal);
        Assert.Equal(0, kit.Users.Count(ServiceKit.Context.Tenant));
    }

    [Fact]
    public async Task Disabled_Is501()
    {
        using var kit = new ServiceKit(new ScimServiceOptions { Bulk = { Enabled = false } });
        var error = await Assert.ThrowsAsync<ScimException>(() => RunAsync(kit, Request(string.Empty)));
        Assert.Equal(501, error.Status);
    }

    [Fact]
    public async Task ThousandOperations_UsersAndAGroupOfAllOfThem_AllApplied()
    {
        using var kit = new ServiceKit();
        var users = Enumerable.Range(0, 999).Select(i => $$$"""{"method":"POST","path":"/Users","bulkId":"u{{{i}}}","data":{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"user{{{i}}}@example.com"}}""");
        var members = string.Join(",", Enumerable.Range(0, 999).Select(i => $$"""{"value":"bulkId:u{{i}}"}"""));
        var group = $$$"""{"method":"POST","path":"/Groups","bulkId":"all","data":{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"Everyone","members":[{{{members}}}]}}""";

        var results = await RunAsync(kit, Request(string.Join(",", [group, .. users])));

        Assert.Equal(1000, results.Count);
        Assert.All(results, r => Assert.Equal("201", Status(r)));
        var groupId = ((string)results[0]!["location"]!).Split('/')[^1];
        var stored = await kit.Groups.GetAsync(ServiceKit.Context, groupId, ReadHints.All, TestContext.Current.CancellationToken);
        Assert.Equal(999, stored!.Members.Count);
        Assert.Equal(999, kit.Users.Count(ServiceKit.Context.Tenant));
    }
}

/// <summary>
/// A bulk operation that fails with an exception no SCIM error describes (a store's, a database's)
/// is answered 500 on its own and logged; the operations before it stay done, the ones after it
/// run, and it counts toward <c>failOnErrors</c>.
/// </summary>
public sealed class BulkUnexpectedFailureTests
{
    private const string UserSchema = "urn:ietf:params:scim:schemas:core:2.0:User";

    [Fact]
    public async Task AnOperationThatThrows_Is500Alone_AndTheOthersRun()
    {
        var (service, logger) = Service();
        var ct = TestContext.Current.CancellationToken;
        var response = (await service.BulkAsync(ServiceKit.Context, Body(null, "before", "boom", "after"), ct)).Body;

        var results = response["Operations"]!.AsArray();
        Assert.Equal(["201", "500", "201"], results.Select(r => (string)r!["status"]!));
        Assert.Equal("500", (string?)results[1]!["response"]!["status"]);
        Assert.Equal("b", (string?)results[1]!["bulkId"]);
        var names = (await service.ListAsync(ServiceKit.Context, "Users", cancellationToken: ct)).Resources.Select(r => (string?)r.ToJson()["userName"]).Order(StringComparer.Ordinal);
        Assert.Equal(["after", "before"], names);
        var (level, message, exception) = Assert.Single(logger.Entries, e => e.Level == Microsoft.Extensions.Logging.LogLevel.Error);
        Assert.Contains("POST /Users", message, StringComparison.Ordinal);
        Assert.IsType<InvalidOperationException>(exception);
    }

    [Fact]
    public async Task AnOperationThatThrows_CountsTowardFailOnErrors()
    {
        var (service, _) = Service();
        var response = (await service.BulkAsync(ServiceKit.Context, Body(1, "boom", "after"), TestContext.Current.CancellationToken)).Body;

        Assert.Equal(["500"], response["Operations"]!.AsArray().Select(r => (string)r!["status"]!));
        Assert.Equal(0, (await service.ListAsync(ServiceKit.Context, "Users", cancellationToken: TestContext.Current.CancellationToken)).TotalResults);
    }

    private static ReadOnlyMemory<byte> Body(int? failOnErrors, params string[] userNames) => System.Text.Encoding.UTF8.GetBytes(
        $$"""{"schemas":["urn:ietf:params:scim:api:messages:2.0:BulkRequest"]{{(failOnErrors is { } n ? $",\"failOnErrors\":{n}" : string.Empty)}},"Operations":[{{string.Join(",", userNames.Select((name, i) => $$"""{"method":"POST","path":"/Users","bulkId":"{{(char)('a' + i)}}","data":{"schemas":["{{UserSchema}}"],"userName":"{{name}}"} }"""))}}]}""");

    private static (ScimService Service, RecordingLogger<ScimService> Logger) Service()
    {
        var registry = Scim.Core.Schema.SchemaRegistry.CreateDefault();
        var logger = new RecordingLogger<ScimService>();
        var users = new FailingUsers(new Scim.Core.InMemory.InMemoryUserStore(registry));
        return (new ScimService(new ScimEngine(registry, new ScimServiceOptions()), users, null, new InlineDelivery([], null), logger, null), logger);
    }

    /// <summary>A user store whose create of "boom" fails as a broken database would.</summary>
    private sealed class FailingUsers(IUserStore rows) : DelegatingUserStore(rows)
    {
        public override Task<StoreWriteResult<Scim.Core.Resources.User>> CreateAsync(ScimContext context, Scim.Core.Resources.User resource, CancellationToken cancellationToken) =>
            resource.UserName == "boom" ? throw new InvalidOperationException("The database went away.") : base.CreateAsync(context, resource, cancellationToken);
    }
}
