using System.Text.Json.Nodes;
using Scim.Core.Errors;
using Scim.Core.Filtering;
using Scim.Core.Schema;
using Scim.Core.Tests.Querying;

namespace Scim.Core.Tests.Filtering;

/// <summary>
/// <see cref="ScimFilterEvaluator"/> over the canonical JSON of the users in <see cref="SampleUsers"/>:
/// one row per (user, filter, expected) with the reason in a comment where it is not obvious.
/// Alice: userName "ASmith", id "2819c223-Alice", externalId "EXT-Alice", title "Engineer", active,
/// emails work alice@example.com (primary) and home Alice@Home.org, created 2020-03-01T10:00:00Z,
/// Acme level 3, score 4.25. Bob: userName and givenName only. Carol: title "Manager", inactive,
/// Acme level 10. Dave: work email at other.com, home email at example.com. Edge: "", null, [], {}.
/// </summary>
public sealed class FilterEvaluatorTests
{
    private const string Acme = SampleUsers.AcmeUrn;
    private const string Enterprise = SampleUsers.EnterpriseUrn;
    private const string Core = SampleUsers.CoreUrn;

    private static readonly SchemaRegistry Registry = SampleUsers.CreateRegistry();
    private static readonly ScimResourceType UserType = SampleUsers.UserType(Registry);
    private static readonly ScimFilterEvaluator Evaluator = new(Registry);

    public static TheoryData<string, string, bool> CaseExactness => new()
    {
        { "alice", "userName eq \"asmith\"", true },
        { "alice", "userName eq \"ASMITH\"", true },
        { "alice", "userName ne \"asmith\"", false },
        // Attribute names and operators are case-insensitive (RFC 7644 §3.4.2.2).
        { "alice", "USERNAME Eq \"asmith\"", true },
        { "alice", "id eq \"2819c223-Alice\"", true },
        // id is caseExact.
        { "alice", "id eq \"2819c223-alice\"", false },
        { "alice", "id sw \"2819C223\"", false },
        { "alice", "externalId eq \"EXT-Alice\"", true },
        { "alice", "externalId eq \"ext-alice\"", false },
        { "alice", "externalId co \"Alice\"", true },
        { "alice", "externalId co \"alice\"", false },
        // Ordinal and case-exact: 'l' (108) > 'L' (76); ignoring case the two would be equal.
        { "alice", "externalId gt \"EXT-ALICE\"", true },
        // 'E' (69) < 'e' (101).
        { "alice", "externalId lt \"ext\"", true },
        { "alice", "meta.resourceType eq \"User\"", true },
        // meta.resourceType is caseExact (RFC 7643 §3.1).
        { "alice", "meta.resourceType eq \"user\"", false },
        { "alice", "emails.value eq \"ALICE@EXAMPLE.COM\"", true },
        { "alice", "name.familyName eq \"SMITH\"", true },
        // Acme "code" is declared caseExact, "tags" is not.
        { "alice", "code eq \"Zx9\"", true },
        { "alice", "code eq \"zx9\"", false },
        { "alice", "tags eq \"GREEN\"", true },
    };

    public static TheoryData<string, string, bool> StringOperators => new()
    {
        { "alice", "title eq \"engineer\"", true },
        { "alice", "title ne \"ENGINEER\"", false },
        { "alice", "title ne \"Manager\"", true },
        { "alice", "title co \"GIN\"", true },
        { "alice", "title co \"\"", true },
        { "alice", "title sw \"eng\"", true },
        { "alice", "title sw \"gin\"", false },
        { "alice", "title ew \"NEER\"", true },
        { "alice", "title ew \"eng\"", false },
        { "alice", "title gt \"Designer\"", true },
        // Equal ignoring case, so not greater.
        { "alice", "title gt \"engineer\"", false },
        { "alice", "title ge \"ENGINEER\"", true },
        { "alice", "title lt \"manager\"", true },
        { "alice", "title lt \"Engineer\"", false },
        { "alice", "title le \"engineer\"", true },
        // Dave's title is stored as "engineer".
        { "dave", "title eq \"Engineer\"", true },
        // No title: no ordering comparison is true.
        { "bob", "title gt \"A\"", false },
        { "bob", "title lt \"z\"", false },
        { "bob", "title co \"\"", false },
    };

    public static TheoryData<string, string, bool> Booleans => new()
    {
        { "alice", "active eq true", true },
        { "alice", "active eq false", false },
        { "alice", "active ne false", true },
        // Lenient mode reads the string as a boolean, in any case.
        { "alice", "active eq \"true\"", true },
        { "alice", "active eq \"TRUE\"", true },
        { "carol", "active eq false", true },
        { "carol", "active ne true", true },
        // An absent boolean is not false; ne is true when absent.
        { "bob", "active eq false", false },
        { "bob", "active eq true", false },
        { "bob", "active ne true", true },
        { "alice", "verified eq true", true },
        { "carol", "verified eq true", false },
        { "carol", $"{Acme}:verified eq false", true },
        { "alice", "emails.primary eq true", true },
        // Dave's emails carry no primary at all.
        { "dave", "emails.primary eq true", false },
        { "dave", "emails[primary ne true]", true },
    };

    public static TheoryData<string, string, bool> Binaries => new()
    {
        { "alice", "badge eq \"QUJD\"", true },
        { "alice", "badge ne \"QUJD\"", false },
        // RFC 7643 §2.3.6: "A binary is case exact": "qujd" is other bytes than "QUJD" ("ABC").
        { "alice", "badge eq \"qujd\"", false },
        { "carol", "badge eq \"QUJD\"", false },
        { "carol", "badge ne \"QUJD\"", true },
        { "carol", "badge eq null", true },
    };

    public static TheoryData<string, string, bool> DateTimes => new()
    {
        { "alice", "meta.created eq \"2020-03-01T10:00:00Z\"", true },
        // The same instant written with other offsets, fractions, or no zone (taken as UTC).
        { "alice", "meta.created eq \"2020-03-01T11:00:00+01:00\"", true },
        { "alice", "meta.created eq \"2020-03-01T05:00:00-05:00\"", true },
        { "alice", "meta.created eq \"2020-03-01T10:00:00.0000000Z\"", true },
        { "alice", "meta.created eq \"2020-03-01T10:00:00\"", true },
        // 10:30+01:00 is 09:30Z, although its text sorts after "10:00:00Z".
        { "alice", "meta.created gt \"2020-03-01T10:30:00+01:00\"", true },
        { "alice", "meta.created gt \"2020-03-01T10:30:00Z\"", false },
        { "alice", "meta.created lt \"2020-03-01T10:00:00.0000001Z\"", true },
        { "alice", "meta.created ge \"2020-03-01T10:00:00.0000001Z\"", false },
        { "alice", "meta.created le \"2020-03-01T05:00:00-05:00\"", true },
        { "alice", "meta.created lt \"2020-03-01T05:00:00-05:00\"", false },
        // lastModified is 12:30:00.5Z.
        { "alice", "meta.lastModified gt \"2021-06-15T12:30:00Z\"", true },
        { "alice", "meta.lastModified lt \"2021-06-15T12:30:01Z\"", true },
        // Unquoted dateTime (lenient).
        { "alice", "meta.created ge 2020-03-01T10:00:00Z", true },
        { "alice", "meta.created ge \"2020-01-01T00:00:00Z\" and meta.created lt \"2021-01-01T00:00:00Z\"", true },
        { "alice", "meta.lastModified gt \"2021-01-01T00:00:00+14:00\" and meta.lastModified le \"2021-12-31T23:59:59-12:00\"", true },
        // Carol was created at 2018-12-31T23:00:00-02:00 = 2019-01-01T01:00:00Z.
        { "carol", "meta.created eq \"2019-01-01T01:00:00Z\"", true },
        { "carol", "meta.created lt \"2019-01-01T00:00:00Z\"", false },
        { "carol", "meta.created ge \"2020-01-01T00:00:00Z\" and meta.created lt \"2021-01-01T00:00:00Z\"", false },
        // Edge stores 2020-03-01T12:00:00+02:00 as written: the stored side is parsed as an instant too.
        { "edge", "meta.created eq \"2020-03-01T10:00:00Z\"", true },
        { "edge", "meta.created lt \"2020-03-01T11:00:00Z\"", true },
        { "bob", "meta.created lt \"2100-01-01T00:00:00Z\"", false },
        { "bob", "meta.created ne \"2020-03-01T10:00:00Z\"", true },
        // Alice's hiredAt was sent as 09:00+02:00.
        { "alice", "hiredAt eq \"2019-07-01T09:00:00+02:00\"", true },
        { "alice", "hiredAt eq \"2019-07-01T07:00:00Z\"", true },
        { "alice", "hiredAt lt \"2019-07-01T08:00:00Z\"", true },
    };

    public static TheoryData<string, string, bool> Numbers => new()
    {
        { "alice", "level eq 3", true },
        { "alice", "level eq 3.0", true },
        { "alice", "level eq \"3\"", true },
        { "alice", "level ne 3", false },
        { "alice", "level gt 2", true },
        { "alice", "level gt 3", false },
        { "alice", "level ge 3", true },
        { "alice", "level lt 3", false },
        { "alice", "level le 3", true },
        { "alice", "level gt -1", true },
        // 10 > 9 as numbers (as text "10" < "9").
        { "carol", "level gt 9", true },
        { "carol", "level lt 9", false },
        { "alice", "score eq 4.25", true },
        { "alice", "score eq 4.250", true },
        { "alice", "score gt 4.2", true },
        { "alice", "score lt 4.3", true },
        { "alice", "score ge 1e1", false },
        { "alice", "score lt 1E1", true },
        { "carol", "score le 0.5", true },
        { "bob", "level pr", false },
        { "bob", "level ne 3", true },
        { "bob", "level lt 100", false },
        { "alice", $"{Acme}:level ge 3", true },
    };

    public static TheoryData<string, string, bool> MultiValued => new()
    {
        // emails without a sub-attribute compares emails.value; any value may match.
        { "alice", "emails eq \"alice@home.org\"", true },
        { "alice", "emails co \"HOME\"", true },
        { "alice", "emails.value ew \".org\"", true },
        { "alice", "emails.type eq \"home\"", true },
        { "alice", "emails.type eq \"other\"", false },
        // ne is not "some value differs": one email equals, so ne is false.
        { "alice", "emails ne \"alice@example.com\"", false },
        { "alice", "emails ne \"nobody@example.com\"", true },
        { "alice", "phoneNumbers eq \"+1-555-0199\"", true },
        { "alice", "phoneNumbers.type eq \"mobile\"", true },
        { "alice", "tags co \"LU\"", true },
        { "alice", "tags eq \"red\"", false },
        { "carol", "tags eq \"red\"", true },
        { "bob", "emails co \"@\"", false },
        { "bob", "emails ne \"x@example.com\"", true },
    };

    public static TheoryData<string, string, bool> ValuePaths => new()
    {
        // The classic trap: the work email is at other.com, the example.com email is home.
        { "dave", "emails[type eq \"work\" and value co \"example.com\"]", false },
        // Without brackets the two comparisons may be satisfied by different emails.
        { "dave", "emails.type eq \"work\" and emails.value co \"example.com\"", true },
        { "dave", "emails[type eq \"home\" and value co \"example.com\"]", true },
        { "dave", "emails[type eq \"work\" or value co \"example.com\"]", true },
        { "dave", "emails[not (type eq \"work\")]", true },
        { "dave", "emails[type eq \"work\" and not (value co \"example.com\")]", true },
        { "alice", "emails[type eq \"work\" and value co \"example.com\"]", true },
        { "alice", "emails[type eq \"work\" and primary eq true]", true },
        { "alice", "emails[type eq \"home\" and primary eq true]", false },
        { "alice", "emails[TYPE eq \"HOME\"]", true },
        { "alice", "phoneNumbers[type eq \"mobile\" and value ew \"0199\"]", true },
        { "alice", "phoneNumbers[type eq \"work\" and value ew \"0199\"]", false },
        { "carol", "emails[type eq \"work\"]", false },
        { "bob", "emails[type pr]", false },
        // The binder also accepts brackets on a singular complex attribute.
        { "alice", "name[givenName eq \"alice\" and familyName eq \"smith\"]", true },
    };

    public static TheoryData<string, string, bool> Presence => new()
    {
        { "edge", "userName pr", true },
        // "" is no value.
        { "edge", "title pr", false },
        { "edge", "title eq \"\"", true },
        { "edge", "title eq null", true },
        { "edge", "displayName ne null", false },
        // {} is no value, and neither is a complex attribute whose sub-attributes are all empty.
        { "edge", "name pr", false },
        { "edge", "name.givenName pr", false },
        // [] is no value, nor [{}], nor [{"value": ""}].
        { "edge", "emails pr", false },
        { "edge", "emails eq null", true },
        { "edge", "ims pr", false },
        { "edge", "phoneNumbers pr", false },
        { "edge", "phoneNumbers.value pr", false },
        // JSON null is no value.
        { "edge", "nickName pr", false },
        { "edge", "nickName eq null", true },
        { "alice", "title pr", true },
        { "alice", "title ne null", true },
        { "alice", "title eq null", false },
        { "alice", "name pr", true },
        { "alice", "emails pr", true },
        { "alice", "emails ne null", true },
        { "alice", "manager pr", true },
        { "alice", "manager.displayName pr", true },
        // ne on an absent attribute is true; eq null is "absent".
        { "bob", "title ne \"Engineer\"", true },
        { "bob", "title eq null", true },
        { "bob", "emails eq null", true },
        { "bob", "name.familyName eq null", true },
        { "bob", "name pr", true },
    };

    public static TheoryData<string, string, bool> Logic => new()
    {
        // and binds tighter than or: carol or (Engineer and active).
        { "carol", "userName eq \"carol\" or title eq \"Engineer\" and active eq true", true },
        { "carol", "(userName eq \"carol\" or title eq \"Engineer\") and active eq true", false },
        // (active and x) or carol.
        { "carol", "active eq true and title eq \"x\" or userName eq \"carol\"", true },
        { "carol", "active eq true and (title eq \"x\" or userName eq \"carol\")", false },
        { "carol", "not (title eq \"Manager\")", false },
        { "bob", "not (title pr)", true },
        { "alice", "not (emails[type eq \"home\"])", false },
        { "alice", "not (active eq false) and not (title eq \"Manager\")", true },
        { "alice", "not (not (userName eq \"asmith\"))", true },
        { "dave", "title eq \"x\" or title eq \"y\" or userName eq \"dave\"", true },
        { "dave", "userName eq \"dave\" and title pr and not (emails[type eq \"work\" and value co \"example.com\"])", true },
        { "dave", "userName eq \"dave\" and (title eq \"x\" or emails[type eq \"work\" and value co \"example.com\"])", false },
    };

    public static TheoryData<string, string, bool> ExtensionPaths => new()
    {
        { "alice", "employeeNumber eq \"E100\"", true },
        // Enterprise employeeNumber is not caseExact.
        { "alice", $"{Enterprise}:employeeNumber eq \"e100\"", true },
        // The URN is case-insensitive.
        { "alice", $"{Enterprise.ToUpperInvariant()}:department eq \"research\"", true },
        { "alice", $"{Enterprise}:manager.value eq \"m-1\"", true },
        { "alice", "manager.displayName co \"hogg\"", true },
        // A complex attribute compared without a sub-attribute compares its "value".
        { "alice", "manager eq \"M-1\"", true },
        { "dave", "department eq \"Sales\"", true },
        { "dave", "employeeNumber pr", false },
        { "bob", $"{Enterprise}:department ne \"Sales\"", true },
        { "alice", $"{Core}:name.familyName eq \"smith\"", true },
        { "alice", $"{Core}:userName sw \"as\"", true },
        { "alice", $"{Acme}:tags eq \"blue\" and {Acme}:code sw \"Z\"", true },
    };

    public static TheoryData<string, string, bool> Schemas => new()
    {
        { "alice", $"schemas eq \"{Enterprise}\"", true },
        { "bob", $"schemas eq \"{Enterprise}\"", false },
        { "bob", $"schemas ne \"{Enterprise}\"", true },
        { "bob", $"schemas eq \"{Core}\"", true },
        { "bob", $"schemas eq \"{Core.ToUpperInvariant()}\"", true },
        { "carol", $"schemas eq \"{Acme}\"", true },
        { "dave", $"schemas eq \"{Acme}\"", false },
        { "alice", "schemas pr", true },
        { "edge", $"schemas eq \"{Enterprise}\"", false },
    };

    public static TheoryData<string, bool> UnknownAttributesMatchNothing => new()
    {
        { "nickname2 pr", false },
        { "nickname2 eq \"x\"", false },
        { "nickname2 gt \"a\"", false },
        { "nickname2 ne \"x\"", true },
        { "nickname2 eq null", false },
        { "nickname2 ne null", true },
        { "not (nickname2 eq \"x\")", true },
        { "nickname2[value eq \"x\"]", false },
        { "name.middle eq \"x\"", false },
        { "emails[kind eq \"work\"]", false },
        { $"{Enterprise}:badgeNumber eq \"x\"", false },
        { "userName eq \"asmith\" and nickname2 ne \"x\"", true },
        { "nickname2 eq \"x\" or userName eq \"asmith\"", true },
    };

    public static TheoryData<string, bool> StrictModeFilters => new()
    {
        { "userName eq \"asmith\"", true },
        { "active eq true", true },
        { "level eq 3", true },
        { "externalId eq \"EXT-Alice\"", true },
        { "emails[type eq \"work\" and value co \"example.com\"]", true },
        { "meta.created gt \"2020-03-01T10:00:00Z\"", false },
    };

    [Theory]
    [MemberData(nameof(CaseExactness))]
    public void Compile_CaseExactness_FollowsSchema(string user, string filter, bool expected) =>
        Assert.Equal(expected, Evaluate(user, filter));

    [Theory]
    [MemberData(nameof(StringOperators))]
    public void Compile_StringOperators_CompareAsSchemaSays(string user, string filter, bool expected) =>
        Assert.Equal(expected, Evaluate(user, filter));

    [Theory]
    [MemberData(nameof(Booleans))]
    public void Compile_Booleans_CompareValues(string user, string filter, bool expected) =>
        Assert.Equal(expected, Evaluate(user, filter));

    [Theory]
    [MemberData(nameof(Binaries))]
    public void Compile_Binaries_CompareEquality(string user, string filter, bool expected) =>
        Assert.Equal(expected, Evaluate(user, filter));

    [Theory]
    [MemberData(nameof(DateTimes))]
    public void Compile_DateTimes_CompareInstants(string user, string filter, bool expected) =>
        Assert.Equal(expected, Evaluate(user, filter));

    [Theory]
    [MemberData(nameof(Numbers))]
    public void Compile_Numbers_CompareValues(string user, string filter, bool expected) =>
        Assert.Equal(expected, Evaluate(user, filter));

    [Theory]
    [MemberData(nameof(MultiValued))]
    public void Compile_MultiValued_MatchesAnyValue(string user, string filter, bool expected) =>
        Assert.Equal(expected, Evaluate(user, filter));

    [Theory]
    [MemberData(nameof(ValuePaths))]
    public void Compile_ValuePath_MatchesWithinOneElement(string user, string filter, bool expected) =>
        Assert.Equal(expected, Evaluate(user, filter));

    [Theory]
    [MemberData(nameof(Presence))]
    public void Compile_PresenceAndNull_TreatEmptyAsAbsent(string user, string filter, bool expected) =>
        Assert.Equal(expected, Evaluate(user, filter));

    [Theory]
    [MemberData(nameof(Logic))]
    public void Compile_LogicalOperators_FollowPrecedence(string user, string filter, bool expected) =>
        Assert.Equal(expected, Evaluate(user, filter));

    [Theory]
    [MemberData(nameof(ExtensionPaths))]
    public void Compile_ExtensionPaths_ResolveWithOrWithoutUrn(string user, string filter, bool expected) =>
        Assert.Equal(expected, Evaluate(user, filter));

    [Theory]
    [MemberData(nameof(Schemas))]
    public void Compile_Schemas_TestsSchemasTheResourceCarries(string user, string filter, bool expected) =>
        Assert.Equal(expected, Evaluate(user, filter));

    [Theory]
    [InlineData("alice", true)]
    [InlineData("carol", true)]
    [InlineData("bob", false)]
    [InlineData("dave", true)]
    public void Compile_SchemasOnNormalizedResource_UsesExtensionKeys(string user, bool hasExtension)
    {
        // ReadResource drops "schemas": the core schema is implied and an extension is a key.
        var normalized = SampleUsers.Normalized(user);
        var extension = user == "carol" ? Acme : Enterprise;

        Assert.False(normalized.ContainsKey("schemas"));
        Assert.True(Evaluator.Compile($"schemas eq \"{Core}\"", UserType)(normalized));
        Assert.Equal(hasExtension, Evaluator.Compile($"schemas eq \"{extension}\"", UserType)(normalized));
        Assert.Equal(!hasExtension, Evaluator.Compile($"schemas ne \"{extension}\"", UserType)(normalized));
    }

    [Theory]
    [MemberData(nameof(UnknownAttributesMatchNothing))]
    public void Compile_UnknownAttributeWithNoMatch_ActsAsAbsent(string filter, bool expected)
    {
        var evaluator = new ScimFilterEvaluator(Registry, new FilterOptions { UnknownAttributes = UnknownFilterAttribute.NoMatch });

        Assert.Equal(expected, evaluator.Compile(filter, UserType)(SampleUsers.Json("alice")));
    }

    [Theory]
    [MemberData(nameof(StrictModeFilters))]
    public void Compile_StrictModeWellTypedFilter_EvaluatesAsLenient(string filter, bool expected)
    {
        var strict = new ScimFilterEvaluator(Registry, new FilterOptions { Strict = true });
        var alice = SampleUsers.Json("alice");

        Assert.Equal(expected, strict.Compile(filter, UserType)(alice));
        Assert.Equal(expected, Evaluator.Compile(filter, UserType)(alice));
    }

    [Fact]
    public void Compile_SampleJson_UsesCanonicalNamesAndUtcDateTimes()
    {
        // The evaluator reads canonical JSON: check that the fixture really is canonical.
        var alice = SampleUsers.Json("alice");
        var acme = Assert.IsType<JsonObject>(alice[Acme]);

        Assert.True(alice.ContainsKey("userName"));
        Assert.False(alice.ContainsKey("UserName"));
        Assert.Equal(
            ["badge", "code", "hiredAt", "level", "score", "tags", "verified"],
            acme.Select(p => p.Key).Order(StringComparer.Ordinal));
        Assert.Equal(3, acme["level"]!.GetValue<long>());
        Assert.Equal(4.25m, acme["score"]!.GetValue<decimal>());
        Assert.Equal("2019-07-01T07:00:00Z", acme["hiredAt"]!.GetValue<string>());
        Assert.Equal("2019-01-01T01:00:00Z", SampleUsers.Json("carol")["meta"]!["created"]!.GetValue<string>());
    }

    [Fact]
    public void Compile_SameTextTwice_ReturnsCachedDelegate()
    {
        var evaluator = new ScimFilterEvaluator(Registry);

        var first = evaluator.Compile("userName eq \"asmith\"", UserType);
        var second = evaluator.Compile("userName eq \"asmith\"", UserType);

        Assert.Same(first, second);
        Assert.True(second(SampleUsers.Json("alice")));
    }

    [Fact]
    public void Compile_SameTextForOtherResourceType_DoesNotShareCache()
    {
        var evaluator = new ScimFilterEvaluator(Registry);
        var groupType = Registry.FindResourceType("Group")!;
        var group = JsonNode.Parse("""{"displayName": "Tour Guides", "members": [{"value": "bob-id"}]}""")!.AsObject();

        var forUsers = evaluator.Compile("displayName co \"guide\"", UserType);
        var forGroups = evaluator.Compile("displayName co \"guide\"", groupType);

        Assert.NotSame(forUsers, forGroups);
        Assert.True(forGroups(group));
        // A filter cached for User is not served for Group, where it does not bind.
        Assert.True(evaluator.Compile("userName eq \"asmith\"", UserType)(SampleUsers.Json("alice")));
        var error = Assert.Throws<ScimException>(() => evaluator.Compile("userName eq \"asmith\"", groupType));
        Assert.Equal(ScimErrorType.InvalidFilter, error.ScimType);
    }

    [Fact]
    public void Compile_CacheOfTwoAfterEviction_ReturnsCorrectPredicates()
    {
        var evaluator = new ScimFilterEvaluator(Registry, cacheSize: 2);
        var alice = SampleUsers.Json("alice");
        var carol = SampleUsers.Json("carol");
        string[] filters = ["userName eq \"asmith\"", "title eq \"Manager\"", "level gt 5"];
        string[] others = ["userName eq \"nobody\"", "title pr"];

        var firstRound = filters.Select(f => evaluator.Compile(f, UserType)).ToList();
        var recent = others.Select(f => evaluator.Compile(f, UserType)).ToList();
        var secondRound = filters.Select(f => evaluator.Compile(f, UserType)).ToList();

        // Two generations of two: after five distinct filters the first is gone and compiled again,
        // while the one used last is still there.
        Assert.NotSame(firstRound[0], secondRound[0]);
        Assert.Same(recent[^1], evaluator.Compile(others[^1], UserType));
        foreach (var round in new[] { firstRound, secondRound })
        {
            Assert.Equal([true, false, false], round.Select(p => p(alice)));
            Assert.Equal([false, true, true], round.Select(p => p(carol)));
        }
    }

    [Fact]
    public void Compile_ConcurrentCallsWithSmallCache_ReturnCorrectPredicates()
    {
        // Eight distinct filters through a cache of three, from many threads: the cache keeps
        // starting over while other threads read it, and every predicate must still be right.
        var evaluator = new ScimFilterEvaluator(Registry, cacheSize: 3);
        var alice = SampleUsers.ToMaterializedJson(SampleUsers.Typed("alice"));
        var carol = SampleUsers.ToMaterializedJson(SampleUsers.Typed("carol"));
        (string Filter, bool Alice, bool Carol)[] cases =
        [
            ("userName eq \"asmith\"", true, false),
            ("userName eq \"carol\"", false, true),
            ("active eq true", true, false),
            ("level gt 5", false, true),
            ("emails[type eq \"work\"]", true, false),
            ("title pr", true, true),
            ("meta.created lt \"2020-01-01T00:00:00Z\"", false, true),
            ("not (tags eq \"red\")", true, false),
        ];
        var failures = 0;

        Parallel.For(0, 4_000, i =>
        {
            var (filter, forAlice, forCarol) = cases[i % cases.Length];
            var predicate = evaluator.Compile(filter, UserType);
            if (predicate(alice) != forAlice || predicate(carol) != forCarol)
            {
                Interlocked.Increment(ref failures);
            }
        });

        Assert.Equal(0, failures);
    }

    [Fact]
    public void Compile_ParsedTree_IsNotCachedButEvaluatesTheSame()
    {
        var evaluator = new ScimFilterEvaluator(Registry);
        var tree = ScimFilterParser.Parse("emails[type eq \"work\" and value co \"example.com\"]");

        var first = evaluator.Compile(tree, UserType);
        var second = evaluator.Compile(tree, UserType);

        Assert.NotSame(first, second);
        Assert.False(first(SampleUsers.Json("dave")));
        Assert.True(second(SampleUsers.Json("alice")));
    }

    [Theory]
    // Not xsd:dateTime (no time): the reader would reject it, and ScimDateTime does not parse it.
    [InlineData("2020-03-01", "meta.lastModified eq \"2020-03-01T00:00:00Z\"")]
    // No zone: a filter literal without zone is UTC; the stored value should be read the same way.
    [InlineData("2020-03-01T10:00:00", "meta.lastModified eq \"2020-03-01T10:00:00Z\"")]
    public void Compile_NonCanonicalStoredDateTime_SameAnswerForParsedAndBuiltJson(string stored, string filter)
    {
        // The same document parsed from text (values read from UTF-8) and built in code (values as strings).
        var parsed = JsonNode.Parse($$$"""{"userName": "x", "meta": {"lastModified": "{{{stored}}}"}}""")!.AsObject();
        var built = new JsonObject { ["userName"] = "x", ["meta"] = new JsonObject { ["lastModified"] = stored } };
        var predicate = Evaluator.Compile(filter, UserType);

        Assert.Equal(predicate(built), predicate(parsed));
    }

    /// <summary>Evaluates over the parsed canonical JSON, and checks that the ToJsonObject form gives the same answer.</summary>
    private static bool Evaluate(string user, string filter)
    {
        var predicate = Evaluator.Compile(filter, UserType);
        var result = predicate(SampleUsers.Json(user));
        if (user != "edge")
        {
            Assert.Equal(result, predicate(SampleUsers.ToMaterializedJson(SampleUsers.Typed(user))));
        }

        return result;
    }
}
