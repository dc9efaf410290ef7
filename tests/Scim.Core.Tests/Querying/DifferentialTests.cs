using System.Text.Json.Nodes;
using CsCheck;
using Scim.Core.Filtering;
using Scim.Core.Querying;
using Scim.Core.Resources;
using Scim.Core.Schema;

namespace Scim.Core.Tests.Querying;

/// <summary>
/// The evaluator (over canonical JSON) and the LINQ translator (over typed users, LINQ to Objects
/// with <see cref="CaseFolding.ToUpperInvariant"/>) must give the same answer for every filter and
/// every user; and the JSON comparer and the LINQ ordering of <see cref="ScimSorter"/> the same order.
/// The population comes from <see cref="UserPopulation"/> (see there why its strings are ASCII
/// letters and digits only), plus the typed users of <see cref="SampleUsers"/> for the filters.
/// </summary>
public sealed class DifferentialTests
{
    private const string Enterprise = ScimSchemaUris.EnterpriseUser;
    private const int PopulationSize = 300;

    private static readonly SchemaRegistry Registry = SchemaRegistry.CreateDefault();
    private static readonly ScimResourceType UserType = Registry.FindResourceType("User")!;
    private static readonly ScimFilterEvaluator Evaluator = new(Registry);
    private static readonly LinqFilterTranslator Translator = new(Registry) { CaseFolding = CaseFolding.ToUpperInvariant };

    private static readonly List<User> FilterUsers =
        [.. UserPopulation.Generate(PopulationSize, seed: 7_644, emptyStrings: true), .. new[] { "alice", "bob", "carol", "dave" }.Select(SampleUsers.Typed)];

    private static readonly List<JsonObject> FilterDocuments = FilterUsers.Select(SampleUsers.ToJson).ToList();

    private static readonly List<JsonObject> FilterMaterialized = FilterUsers.Select(SampleUsers.ToMaterializedJson).ToList();

    // No "" here: sorting treats "" differently on each side (see ScimSorterTests).
    private static readonly List<User> SortUsers = UserPopulation.Generate(PopulationSize, seed: 7_643, emptyStrings: false);

    private static readonly List<JsonObject> SortDocuments = SortUsers.Select(SampleUsers.ToJson).ToList();

    private static readonly List<JsonObject> SortMaterialized = SortUsers.Select(SampleUsers.ToMaterializedJson).ToList();

    /// <summary>Filters valid for User and mapped by <see cref="ResourceMappings.User"/>, over the vocabulary of <see cref="UserPopulation"/>.</summary>
    private static readonly string[] Corpus =
    [
        "userName eq \"alice7\"",
        "userName eq \"ALICE7\"",
        "userName ne \"bob1\"",
        "userName sw \"AL\"",
        "userName sw \"b\"",
        "userName ew \"7\"",
        "userName co \"RO\"",
        "userName gt \"dave\"",
        "userName ge \"DAVE50\"",
        "userName lt \"C\"",
        "userName le \"carol5\"",
        "userName pr",
        "id eq \"u0007\"",
        "id eq \"U0007\"",
        "id sw \"u00\"",
        "id gt \"u0150\"",
        "id le \"u0010\"",
        "externalId pr",
        "externalId eq null",
        "externalId sw \"a\"",
        "externalId co \"7\"",
        "externalId lt \"m\"",
        "externalId sw 1",
        "title eq \"engineer\"",
        "title eq \"ENGINEER\"",
        "title ne \"Engineer\"",
        "title pr",
        "title eq \"\"",
        "title eq null",
        "title ne null",
        "title co \"ng\"",
        "title sw \"m\"",
        "title ew \"R\"",
        "title gt \"F\"",
        "title le \"intern\"",
        "active eq true",
        "active eq false",
        "active ne true",
        "active eq null",
        "active pr",
        "active eq \"false\"",
        "name pr",
        "name eq null",
        "name.givenName eq \"ALICE\"",
        "name.familyName sw \"j\"",
        "name.familyName pr",
        "name.familyName eq \"\"",
        "name.givenName ne \"bob\"",
        "nickName pr",
        "displayName co \"smith\"",
        "emails pr",
        "emails eq null",
        "emails co \"example.com\"",
        "emails ew \".ORG\"",
        "emails.value sw \"a\"",
        "emails.type eq \"work\"",
        "emails.type ne \"home\"",
        "emails.primary eq true",
        "emails.primary ne true",
        "emails[type eq \"work\" and value co \"example.com\"]",
        "emails.type eq \"work\" and emails.value co \"example.com\"",
        "emails[type eq \"home\" or primary eq true]",
        "emails[not (type eq \"work\")]",
        "emails[type pr]",
        "emails[type eq null]",
        "emails[primary eq false]",
        "emails.value gt \"m\"",
        "emails.value eq null",
        "emails.primary pr",
        "emails.type ew \"K\" and emails[value co \"mail.net\"]",
        "emails[type eq \"work\"].value co \"mail.net\"",
        "emails[type eq \"home\"].value sw \"a\"",
        "emails[type eq \"other\"].primary eq true",
        "emails[type eq \"work\"].value pr",
        "emails[type eq \"work\"].value ne \"x\"",
        "phoneNumbers[type eq \"mobile\"].value sw \"5551\"",
        "phoneNumbers pr",
        "phoneNumbers co \"5550\"",
        "phoneNumbers[type eq \"mobile\" and primary eq true]",
        "phoneNumbers.type eq \"work\"",
        "employeeNumber pr",
        $"{Enterprise}:employeeNumber sw \"e1\"",
        "department eq \"sales\"",
        $"{Enterprise}:department ne \"Sales\"",
        "department eq null",
        "manager.value pr",
        "manager pr",
        $"{Enterprise}:manager.value le \"u0150\"",
        $"{Enterprise}:manager.displayName co \"a\"",
        "meta.created gt \"2020-01-01T00:00:00Z\"",
        "meta.created le \"2019-06-30T23:59:59-07:00\"",
        "meta.created ge \"2018-01-01T00:00:00+14:00\" and meta.created lt \"2022-01-01T00:00:00-12:00\"",
        "meta.lastModified gt \"2021-01-01T00:00:00+05:30\"",
        "meta.lastModified eq null",
        "meta.created pr",
        "meta.created ne \"2020-01-01T00:00:00Z\"",
        "meta.resourceType eq \"User\"",
        "meta.resourceType eq \"user\"",
        "meta pr",
        "not (active eq true)",
        "active eq true and title pr",
        "title eq \"Manager\" or active eq false and emails pr",
        "not (emails[type eq \"work\"]) and userName sw \"a\"",
        "(title pr or nickName pr) and not (department eq \"Sales\")",
        "userName sw \"c\" or userName sw \"d\" or emails[type eq \"other\"]",
        "not (not (title eq \"vp\"))",
    ];

    public static TheoryData<string> Filters
    {
        get
        {
            var data = new TheoryData<string>();
            foreach (var filter in Corpus)
            {
                data.Add(filter);
            }

            return data;
        }
    }

    public static TheoryData<string, SortOrder> SortPaths
    {
        get
        {
            string[] paths =
            [
                "userName", "name.familyName", "name.givenName", "title", "nickName", "displayName",
                "emails", "emails.value", "emails.type", "emails.primary", "phoneNumbers", "phoneNumbers.type",
                "meta.created", "meta.lastModified", "active", "externalId", "id",
                "employeeNumber", $"{Enterprise}:department", "manager.value",
            ];
            var data = new TheoryData<string, SortOrder>();
            foreach (var path in paths)
            {
                data.Add(path, SortOrder.Ascending);
                data.Add(path, SortOrder.Descending);
            }

            return data;
        }
    }

    [Fact]
    public void Corpus_Size_IsAtLeastSixtyDistinctFilters() =>
        Assert.True(Corpus.Distinct(StringComparer.Ordinal).Count() >= 60);

    [Theory]
    [MemberData(nameof(Filters))]
    public void Translate_CorpusFilter_AgreesWithEvaluatorOnEveryUser(string filter)
    {
        var disagreements = Disagreements(filter);

        Assert.True(disagreements.Count == 0, $"'{filter}' differs for: {string.Join(", ", disagreements)}");
    }

    [Fact]
    public void Corpus_Filters_MostlySelectSomeButNotAllUsers()
    {
        // A differential test over filters that match nobody (or everybody) would prove little.
        var selective = Corpus.Count(filter =>
        {
            var predicate = Evaluator.Compile(filter, UserType);
            var matches = FilterDocuments.Count(predicate);
            return matches > 0 && matches < FilterDocuments.Count;
        });

        Assert.True(selective >= Corpus.Length * 9 / 10, $"Only {selective} of {Corpus.Length} filters select some but not all users.");
    }

    [Fact]
    public void Translate_RandomCombinations_AgreeWithEvaluatorOnEveryUser()
    {
        Combination(3).Sample(
            filter => Disagreements(filter).Count == 0,
            iter: 300,
            threads: 1);
    }

    [Theory]
    [MemberData(nameof(SortPaths))]
    public void OrderBy_SortPath_GivesSameOrderAsJsonComparer(string sortBy, SortOrder order)
    {
        var sorter = new ScimSorter(Registry) { CaseFolding = CaseFolding.ToUpperInvariant };
        var byKey = sorter.CreateComparer(sortBy, order, UserType);
        var byKeyThenId = Comparer<JsonObject>.Create((a, b) =>
        {
            var result = byKey.Compare(a, b);
            return result != 0 ? result : string.CompareOrdinal(Id(a), Id(b));
        });

        var jsonOrder = SortDocuments.Order(byKeyThenId).Select(Id).ToList();
        var materializedOrder = SortMaterialized.Order(byKeyThenId).Select(Id).ToList();
        var linqOrder = sorter.OrderBy(SortUsers.AsQueryable(), sortBy, order, UserType, ResourceMappings.User)
            .ThenBy(u => u.Id)
            .Select(u => u.Id!)
            .ToList();

        Assert.Equal(jsonOrder, linqOrder);
        Assert.Equal(jsonOrder, materializedOrder);
        if (sortBy != "id")
        {
            // The key really reorders the population.
            Assert.NotEqual(SortUsers.Select(u => u.Id!), jsonOrder);
        }
    }

    private static List<string> Disagreements(string filter)
    {
        var json = Evaluator.Compile(filter, UserType);
        var linq = Translator.Translate(filter, UserType, ResourceMappings.User).Compile();
        // The evaluator reads both JSON forms: parsed from text, and as ScimSerializer.ToJsonObject builds it.
        return Enumerable.Range(0, FilterUsers.Count)
            .Where(i => json(FilterDocuments[i]) != linq(FilterUsers[i]) || json(FilterMaterialized[i]) != linq(FilterUsers[i]))
            .Select(i => $"{FilterUsers[i].Id} (evaluator {json(FilterDocuments[i])}/{json(FilterMaterialized[i])}, LINQ {linq(FilterUsers[i])})")
            .ToList();
    }

    private static Gen<string> Combination(int depth)
    {
        var atom = Gen.OneOf(Corpus);
        if (depth == 0)
        {
            return atom;
        }

        var sub = Combination(depth - 1);
        return Gen.Frequency(
            (2, atom),
            (2, Gen.Select(sub, sub, (left, right) => $"({left}) and ({right})")),
            (2, Gen.Select(sub, sub, (left, right) => $"({left}) or ({right})")),
            (1, sub.Select(inner => $"not ({inner})")));
    }

    private static string Id(JsonObject resource) => resource["id"]!.GetValue<string>();
}
