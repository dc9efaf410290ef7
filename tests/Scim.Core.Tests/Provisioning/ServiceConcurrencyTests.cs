using Scim.Core.Errors;
using Scim.Core.Events;
using Scim.Core.Provisioning;

namespace Scim.Core.Tests.Provisioning;

/// <summary>Parallel requests against one resource: no lost updates, one winner on uniqueness.</summary>
public sealed class ServiceConcurrencyTests
{
    /// <summary>Twenty different attributes of one user, each set by its own PATCH.</summary>
    private static readonly (string Path, Func<Scim.Core.Resources.User, string?> Read)[] Attributes =
    [
        ("displayName", u => u.DisplayName),
        ("nickName", u => u.NickName),
        ("profileUrl", u => u.ProfileUrl),
        ("title", u => u.Title),
        ("userType", u => u.UserType),
        ("preferredLanguage", u => u.PreferredLanguage),
        ("locale", u => u.Locale),
        ("timezone", u => u.Timezone),
        ("externalId", u => u.ExternalId),
        ("name.givenName", u => u.Name?.GivenName),
        ("name.familyName", u => u.Name?.FamilyName),
        ("name.middleName", u => u.Name?.MiddleName),
        ("name.honorificPrefix", u => u.Name?.HonorificPrefix),
        ("name.honorificSuffix", u => u.Name?.HonorificSuffix),
        ("name.formatted", u => u.Name?.Formatted),
        ($"{ServiceKit.Enterprise}:employeeNumber", u => u.EnterpriseUser?.EmployeeNumber),
        ($"{ServiceKit.Enterprise}:costCenter", u => u.EnterpriseUser?.CostCenter),
        ($"{ServiceKit.Enterprise}:organization", u => u.EnterpriseUser?.Organization),
        ($"{ServiceKit.Enterprise}:division", u => u.EnterpriseUser?.Division),
        ($"{ServiceKit.Enterprise}:department", u => u.EnterpriseUser?.Department),
    ];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task FiftyParallelMemberAdds_AllMembersPresent()
    {
        using var kit = new ServiceKit();
        var users = new List<string>();
        for (var i = 0; i < 50; i++)
        {
            users.Add(await kit.CreateUserAsync($"user{i}"));
        }

        var group = await kit.CreateGroupAsync("G");
        kit.Events.Clear();

        var results = await AllAtOnceAsync(users.Count, i =>
            kit.PatchAsync("Groups", group, $$"""{"op":"add","path":"members","value":[{"value":"{{users[i]}}"}]}""", new ScimRequestOptions { ReturnResource = false }));

        Assert.All(results, r => Assert.True(r.Changed));
        Assert.Equal(users.Order(StringComparer.Ordinal), await kit.MemberIdsAsync(group));
        var events = kit.Events.All;
        Assert.Equal(50, events.Count);
        Assert.All(events, e => Assert.Equal(ScimChangeKind.MembersAdded, e.Kind));
        Assert.Equal(users.Order(StringComparer.Ordinal), events.SelectMany(e => e.AddedMemberIds).Order(StringComparer.Ordinal));
        Assert.Equal(50, events.Select(e => e.Version).Distinct().Count());
    }

    [Fact]
    public async Task TwentyParallelPatchesOfDifferentAttributes_NoLostUpdate()
    {
        for (var round = 0; round < 20; round++)
        {
            using var kit = new ServiceKit();
            var id = await kit.CreateUserAsync("contended");
            kit.Events.Clear();

            await AllAtOnceAsync(Attributes.Length, i =>
                kit.PatchAsync("Users", id, $$"""{"op":"replace","path":"{{Attributes[i].Path}}","value":"value-{{i}}"}"""));

            var stored = await kit.StoredUserAsync(id);
            for (var i = 0; i < Attributes.Length; i++)
            {
                Assert.True($"value-{i}" == Attributes[i].Read(stored!), $"Round {round}: {Attributes[i].Path} is '{Attributes[i].Read(stored!)}'.");
            }

            Assert.Equal(Attributes.Length, kit.Events.All.Count);
            Assert.Equal(Attributes.Length, kit.Events.All.Select(e => e.Version).Distinct().Count());
            Assert.Contains(stored!.Meta!.Version, kit.Events.All.Select(e => e.Version));
        }
    }

    [Fact]
    public async Task ParallelPatchesWithTheSameIfMatch_OneWins_OthersAre412()
    {
        using var kit = new ServiceKit();
        var created = await kit.Service.CreateAsync(ServiceKit.Context, "Users", ServiceKit.UserBody("contended"), cancellationToken: Ct);

        var outcomes = await AllAtOnceAsync(10, async i =>
        {
            try
            {
                await kit.PatchAsync("Users", created.Id, $$"""{"op":"replace","path":"displayName","value":"v{{i}}"}""", new ScimRequestOptions { IfMatch = created.Version });
                return 200;
            }
            catch (ScimException error)
            {
                Assert.Null(error.ScimType);
                return error.Status;
            }
        });

        Assert.Single(outcomes, o => o == 200);
        Assert.Equal(9, outcomes.Count(o => o == 412));
        Assert.Single(kit.Events.All, e => e.Kind == ScimChangeKind.Patched);
    }

    [Fact]
    public async Task ParallelCreatesOfTheSameUserName_ExactlyOneSucceeds()
    {
        using var kit = new ServiceKit();

        var outcomes = await AllAtOnceAsync(20, async i =>
        {
            try
            {
                await kit.CreateUserAsync(i % 2 == 0 ? "same.name" : "SAME.NAME");
                return (Status: 201, ScimType: (string?)null);
            }
            catch (ScimException error)
            {
                return (error.Status, error.ScimType);
            }
        });

        Assert.Single(outcomes, o => o.Status == 201);
        Assert.All(outcomes.Where(o => o.Status != 201), o => Assert.Equal((409, ScimErrorType.Uniqueness), o));
        Assert.Equal(1, kit.Users.Count(ServiceKit.Context.Tenant));
        Assert.Single(kit.Events.All);
    }

    [Fact]
    public async Task ParallelCreatesOfTheSameExternalId_WithUniqueExternalIdInStore_ExactlyOneSucceeds()
    {
        using var kit = new ServiceKit(new ScimServiceOptions { UniqueExternalId = true });

        var outcomes = await AllAtOnceAsync(20, async i =>
        {
            try
            {
                await kit.CreateUserAsync($"user{i}", externalId: "ext-same");
                return 201;
            }
            catch (ScimException error) when (error.Status == 409 && error.ScimType == ScimErrorType.Uniqueness)
            {
                return 409;
            }
        });

        Assert.Single(outcomes, o => o == 201);
        Assert.Equal(1, kit.Users.Count(ServiceKit.Context.Tenant));
    }

    [Fact]
    public async Task ParallelCreatesOfDifferentUsers_AllSucceed()
    {
        using var kit = new ServiceKit();
        var ids = await AllAtOnceAsync(40, i => kit.CreateUserAsync($"user{i}"));
        Assert.Equal(40, ids.Distinct().Count());
        Assert.Equal(40, kit.Users.Count(ServiceKit.Context.Tenant));
    }

    [Fact]
    public async Task ParallelAddsAndRemovesOfDifferentMembers_EndInTheExpectedSet()
    {
        using var kit = new ServiceKit();
        var users = new List<string>();
        for (var i = 0; i < 40; i++)
        {
            users.Add(await kit.CreateUserAsync($"user{i}"));
        }

        var group = await kit.CreateGroupAsync("G", null, [.. users.Take(20)]);

        // Remove the first 20, add the other 20, all at once.
        await AllAtOnceAsync(40, i => i < 20
            ? kit.PatchAsync("Groups", group, $$"""{"op":"remove","path":"members[value eq \"{{users[i]}}\"]"}""")
            : kit.PatchAsync("Groups", group, $$"""{"op":"add","path":"members","value":[{"value":"{{users[i]}}"}]}"""));

        Assert.Equal(users.Skip(20).Order(StringComparer.Ordinal), await kit.MemberIdsAsync(group));
    }

    /// <summary>Starts every call on the thread pool and releases them together.</summary>
    private static async Task<T[]> AllAtOnceAsync<T>(int count, Func<int, Task<T>> call)
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var tasks = Enumerable.Range(0, count).Select(i => Task.Run(async () =>
        {
            await gate.Task;
            return await call(i);
        }, Ct)).ToArray();
        gate.SetResult();
        return await Task.WhenAll(tasks);
    }
}
