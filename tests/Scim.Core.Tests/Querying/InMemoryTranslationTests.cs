using Scim.Core.Querying;
using Scim.Core.Schema;

namespace Scim.Core.Tests.Querying;

/// <summary>
/// The translator as the in-memory stores use it (<c>OrdinalIgnoreCase</c>): value paths become a
/// loop over the row's list or array (or <c>Enumerable.Any</c> for any other collection), <c>co</c> a
/// vectorized case-insensitive search, and an <c>and</c> tests its side without a collection first.
/// Whatever the collection's shape, the rows selected are those the database-style translation selects.
/// </summary>
public sealed class InMemoryTranslationTests
{
    private static readonly SchemaRegistry Registry = SampleUsers.CreateRegistry();
    private static readonly ScimResourceType UserType = SampleUsers.UserType(Registry);
    private static readonly LinqFilterTranslator InMemory = new(Registry) { CaseFolding = CaseFolding.ToLower, OrdinalIgnoreCase = true };
    private static readonly LinqFilterTranslator Folding = new(Registry) { CaseFolding = CaseFolding.ToLower };

    public static TheoryData<string> Filters => new()
    {
        "emails[type eq \"work\" and value co \"@x.com\"]",
        "emails[type eq \"WORK\" and value co \"X.COM\"]",
        "emails[value co \"\"]",
        "emails[value co \"ÉTÉ\"]",
        "emails.value co \"home\"",
        "emails[type eq \"work\"] and active eq true",
        "active eq true and emails[type eq \"work\"]",
        "emails[type eq \"home\"] and emails[primary eq true]",
        "emails[type eq \"home\"] or active eq false",
        "not (emails[type eq \"home\"]) and active eq true",
        "emails pr",
        "emails[primary eq true] and name.givenName pr",
        "userName co \"X.C\"",
    };

    [Theory]
    [MemberData(nameof(Filters))]
    public void Translate_EveryCollectionShape_SelectsWhatTheFoldingTranslationSelects(string filter)
    {
        var expected = Keys(Rows(), Folding.Translate(filter, UserType, Mapping(r => r.Emails)).Compile());

        Assert.Equal(expected, Keys(Rows(), InMemory.Translate(filter, UserType, Mapping(r => r.Emails)).Compile()));
        Assert.Equal(expected, Keys(Rows(), InMemory.Translate(filter, UserType, Mapping(r => r.AsArray)).Compile()));
        Assert.Equal(expected, Keys(Rows(), InMemory.Translate(filter, UserType, Mapping(r => r.AsReadOnlyList)).Compile()));
        Assert.Equal(expected, Keys(Rows(), InMemory.Translate(filter, UserType, Mapping(r => r.AsReadOnlyArray)).Compile()));
        Assert.Equal(expected, Keys(Rows(), InMemory.Translate(filter, UserType, Mapping(r => r.AsSet)).Compile()));
    }

    [Fact]
    public void Translate_NullCollection_MatchesNoValuePath()
    {
        var predicate = InMemory.Translate("emails[type eq \"work\"] or active eq false", UserType, Mapping(r => r.Nothing!)).Compile();

        Assert.Equal("r2", Keys(Rows(), predicate));
    }

    [Fact]
    public void Translate_ContainsIgnoringCase_FollowsOrdinalIgnoreCase()
    {
        // Ordinal case-insensitivity folds letters beyond ASCII too (é and É), as string.Contains does.
        var predicate = InMemory.Translate("emails.value co \"ÉTÉ\"", UserType, Mapping(r => r.Emails)).Compile();

        Assert.Equal("r3", Keys(Rows(), predicate));
    }

    private static string Keys(List<ListRow> rows, Func<ListRow, bool> predicate) => string.Join(",", rows.Where(predicate).Select(r => r.Key));

    private static AttributeMapping<ListRow> Mapping(System.Linq.Expressions.Expression<Func<ListRow, IEnumerable<EmailRow>>> emails) => new AttributeMapping<ListRow>()
        .Map("id", r => r.Key)
        .Map("userName", r => r.UserName)
        .Map("name.givenName", r => r.GivenName)
        .Map("active", r => r.Active)
        .MapCollection("emails", emails, e => e
            .Map("value", a => a.Address)
            .Map("type", a => a.Kind)
            .Map("primary", a => a.IsPrimary));

    /// <summary>R1 and r2 as in <see cref="UserRows"/>; r3 with one address holding "été"; r4 with none.</summary>
    private static List<ListRow> Rows() =>
    [
        new("R1", "jdoe@x.com", "John", true, [new() { Address = "john@home.org", Kind = "home" }, new() { Address = "john@X.com", Kind = "work", IsPrimary = true }]),
        new("r2", "Mary@y.com", "Mary", false, [new() { Address = "mary@y.com", Kind = "work" }, new() { Address = "mary@x.com", Kind = "home" }]),
        new("r3", "ete", null, true, [new() { Address = "été@example.org", Kind = "Work" }]),
        new("r4", "none", "Nobody", true, []),
    ];

    /// <summary>A row whose emails can be read as several collection types.</summary>
    private sealed class ListRow(string key, string userName, string? givenName, bool active, List<EmailRow> emails)
    {
        public string Key { get; } = key;

        public string UserName { get; } = userName;

        public string? GivenName { get; } = givenName;

        public bool Active { get; } = active;

        public List<EmailRow> Emails { get; } = emails;

        public EmailRow[] AsArray => [.. Emails];

        public IReadOnlyList<EmailRow> AsReadOnlyList => Emails;

        public IReadOnlyList<EmailRow> AsReadOnlyArray => AsArray;

        public IEnumerable<EmailRow> AsSet => new HashSet<EmailRow>(Emails);

        public List<EmailRow>? Nothing { get; set; }
    }
}
