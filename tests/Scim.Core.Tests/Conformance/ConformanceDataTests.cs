using Scim.Core.Filtering;
using Scim.Core.Schema;
using Scim.Core.Serialization;
using Scim.Testing;

namespace Scim.Core.Tests.Conformance;

/// <summary>The filter suite proves something only if its filters tell the seeded users apart.</summary>
public sealed class ConformanceDataTests
{
    private static readonly SchemaRegistry Registry = SchemaRegistry.CreateDefault();
    private static readonly ScimFilterEvaluator Evaluator = new(Registry);

    [Fact]
    public void Corpus_MostFiltersSelectSomeButNotAllSeededUsers()
    {
        var type = Registry.FindResourceType("User")!;
        var documents = ConformanceUsers.Create("run1").Select(ScimSerializer.ToJsonObject).ToList();
        var valid = 0;
        var unselective = new List<string>();
        foreach (var filter in FilterCorpus.Filters)
        {
            Func<System.Text.Json.Nodes.JsonObject, bool> predicate;
            try
            {
                predicate = Evaluator.Compile(FilterCorpus.Resolve(filter, "run1"), type);
            }
            catch (Scim.Core.Errors.ScimException)
            {
                continue;
            }

            valid++;
            var matches = documents.Count(predicate);
            if (matches == 0 || matches == documents.Count)
            {
                unselective.Add($"{filter} ({matches})");
            }
        }

        Assert.True(valid >= 100, $"Only {valid} corpus filters are valid.");
        Assert.True(unselective.Count <= valid / 10, $"Filters that select none or all: {string.Join("; ", unselective)}");
    }

    [Fact]
    public void Population_UserNamesAreUniqueIgnoringCase()
    {
        var users = ConformanceUsers.Create("run1");

        Assert.Equal(ConformanceUsers.Count, users.Count);
        Assert.Equal(users.Count, users.Select(u => u.UserName!.ToUpperInvariant()).Distinct().Count());
    }
}
