using Scim.Core.Errors;
using Scim.Core.Filtering;
using Scim.Core.Serialization;
using Scim.Core.Stores;

namespace Scim.Testing;

/// <summary>
/// Every filter of <see cref="FilterCorpus"/> over the users of <see cref="ConformanceUsers"/>:
/// the store must select exactly the users that Scim.Core's reference evaluator selects over the
/// canonical JSON of each user (<see cref="ScimSerializer.ToJsonObject"/>), and count them. The
/// users are what the stores should hold: reduced to the attributes they keep, with the ids they
/// assigned (<see cref="StoreUnderTest"/>); a filter that names an attribute they do not keep is skipped.
/// </summary>
public abstract class FilterConformanceTests : StoreConformanceTests
{
    private static readonly ScimFilterEvaluator Evaluator = new(Registry);

    /// <summary>The corpus filters the reference evaluator accepts (those it rejects never reach a store).</summary>
    public static TheoryData<string> Filters
    {
        get
        {
            var data = new TheoryData<string>();
            foreach (var filter in FilterCorpus.Filters.Where(IsValid))
            {
                data.Add(filter);
            }

            return data;
        }
    }

    /// <summary>The store selects and counts the same users as the reference evaluator.</summary>
    /// <param name="filter">A corpus filter (<c>{run}</c> stands for the run id).</param>
    [Theory]
    [MemberData(nameof(Filters), MemberType = typeof(FilterConformanceTests))]
    public async Task QueryAsync_CorpusFilter_SelectsWhatTheEvaluatorSelects(string filter)
    {
        var text = FilterCorpus.Resolve(filter, RunId);
        SkipUnlessKept(Claims.UserType, ScimFilterParser.Parse(text));
        var stored = await SeedPopulationAsync();
        if (Claims.AssignsIds)
        {
            // The corpus names users by the ids the service proposed; the store knows them by its own.
            for (var i = 0; i < ConformanceUsers.Count; i++)
            {
                text = text.Replace($"\"{ConformanceUsers.IdOf(i, RunId)}\"", $"\"{stored[i].Id}\"", StringComparison.Ordinal);
            }
        }

        var predicate = Claims.Evaluator.Compile(text, Claims.UserType);
        var expected = Sorted(stored.Where(u => predicate(ScimSerializer.ToJsonObject(u))).Select(u => u.Id));

        var page = await Users.QueryAsync(Context, new ScimQuery { Filter = ScimFilterParser.Parse(text), Count = 1000 }, Cancellation);

        Assert.Equal(expected, Sorted(page.Resources.Select(u => u.Id)));
        Assert.Equal(expected.Count, page.TotalResults);
    }

    /// <summary>A filter on the group's displayName selects the right groups.</summary>
    [Fact]
    public async Task QueryAsync_GroupDisplayNameFilters_SelectTheRightGroups()
    {
        var admins = await CreateAsync(NewGroup("Admins"));
        var staff = await CreateAsync(NewGroup("Staff"));
        await CreateAsync(NewGroup("Empty"));

        Assert.Equal([admins], await SelectGroupsAsync("displayName eq \"ADMINS\""));
        Assert.Equal(Sorted([admins, staff]), await SelectGroupsAsync("displayName ne \"empty\" and displayName pr"));
        Assert.Equal([staff], await SelectGroupsAsync("displayName sw \"st\""));
    }

    /// <summary>A filter on the group's members selects the groups that have them.</summary>
    [Fact]
    public async Task QueryAsync_GroupMemberFilters_SelectTheRightGroups()
    {
        SkipUnlessKept(Claims.GroupType, "members");
        var users = await CreateUsersAsync(3);
        var admins = await CreateAsync(NewGroup("Admins", users[..2]));
        var staff = await CreateAsync(NewGroup("Staff", users[1..]));
        await CreateAsync(NewGroup("Empty"));

        Assert.Equal([admins], await SelectGroupsAsync($"members.value eq \"{users[0]}\""));
        Assert.Equal(Sorted([admins, staff]), await SelectGroupsAsync($"members[value eq \"{users[1]}\"]"));
        Assert.Equal(Sorted([admins, staff]), await SelectGroupsAsync("members pr"));
        Assert.Equal([admins], await SelectGroupsAsync($"displayName sw \"a\" and members.value eq \"{users[1]}\""));
    }

    private async Task<List<string>> SelectGroupsAsync(string filter) =>
        Sorted((await Groups.QueryAsync(Context, new ScimQuery { Filter = ScimFilterParser.Parse(filter), Count = 100 }, Cancellation)).Resources.Select(g => g.Id));

    private static bool IsValid(string filter)
    {
        try
        {
            Evaluator.Compile(FilterCorpus.Resolve(filter, "0"), UserType);
            return true;
        }
        catch (ScimException)
        {
            return false;
        }
    }
}
