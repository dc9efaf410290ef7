namespace Scim.Testing;

/// <summary>
/// The User filters the filter suite runs against a store: the corpus of Scim.Core's own
/// differential tests (evaluator against LINQ translator), with its literals fitted to
/// <see cref="ConformanceUsers"/>, plus filters on addresses and a few more. <c>{run}</c> stands for
/// the test's run id (see <see cref="Resolve"/>).
/// </summary>
public static class FilterCorpus
{
    private const string Enterprise = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

    /// <summary>The filters, with <c>{run}</c> where an id needs the run id.</summary>
    public static IReadOnlyList<string> Filters { get; } =
    [
        "userName eq \"alice8\"",
        "userName eq \"ALICE8\"",
        "userName ne \"bob1\"",
        "userName sw \"AL\"",
        "userName sw \"b\"",
        "userName ew \"7\"",
        "userName co \"RO\"",
        "userName gt \"dave\"",
        "userName ge \"DAVE11\"",
        "userName lt \"C\"",
        "userName le \"carol18\"",
        "userName pr",
        "id eq \"u0007x{run}\"",
        "id eq \"U0007x{run}\"",
        "id sw \"u001\"",
        "id gt \"u0015\"",
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
        "name.formatted co \"e j\"",
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
        "emails.value gt \"e\"",
        "emails.value eq null",
        "emails.primary pr",
        "emails.type ew \"K\" and emails[value co \"mail.net\"]",
        "phoneNumbers pr",
        "phoneNumbers co \"5550\"",
        "phoneNumbers[type eq \"mobile\" and primary eq true]",
        "phoneNumbers.type eq \"work\"",
        "phoneNumbers.value sw \"5551\"",
        "addresses pr",
        "addresses[type eq \"work\" and country eq \"DE\"]",
        "addresses.locality sw \"PA\"",
        "addresses.postalCode gt \"5\"",
        "addresses[primary eq true]",
        "addresses.type eq \"other\"",
        "addresses[streetAddress co \"2 main\"]",
        "employeeNumber pr",
        $"{Enterprise}:employeeNumber sw \"e1\"",
        "department eq \"sales\"",
        $"{Enterprise}:department ne \"Sales\"",
        "department eq null",
        "manager.value pr",
        "manager pr",
        $"{Enterprise}:manager.value le \"u0015\"",
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
        "(userName sw \"a\" or userName sw \"b\") and (active eq false or addresses[country eq \"US\"])",
    ];

    /// <summary>Puts the run id into a filter of <see cref="Filters"/>.</summary>
    /// <param name="filter">The filter.</param>
    /// <param name="runId">The test's run id.</param>
    /// <returns>The filter to run.</returns>
    public static string Resolve(string filter, string runId)
    {
        ArgumentNullException.ThrowIfNull(filter);
        return filter.Replace("{run}", runId, StringComparison.Ordinal);
    }
}
