using System.Linq.Expressions;
using System.Reflection;
using Scim.Core.Errors;
using Scim.Core.Filtering;
using Scim.Core.Querying;
using Scim.Core.Resources;
using Scim.Core.Schema;
using Scim.Core.Serialization;

namespace Scim.Core.Tests.Querying;

/// <summary>
/// <see cref="LinqFilterTranslator"/>: the same answers as the evaluator on the typed sample users,
/// a store's own entity type through its own <see cref="AttributeMapping{T}"/>, expressions made
/// only of what a database provider translates, and 400 for what the mapping does not name.
/// </summary>
public sealed class LinqFilterTranslatorTests
{
    private const string Enterprise = SampleUsers.EnterpriseUrn;

    private static readonly SchemaRegistry Registry = SampleUsers.CreateRegistry();
    private static readonly ScimResourceType UserType = SampleUsers.UserType(Registry);
    private static readonly LinqFilterTranslator Translator = new(Registry) { CaseFolding = CaseFolding.ToUpperInvariant };

    private static readonly MethodInfo[] AllowedMethods =
    [
        typeof(string).GetMethod(nameof(string.Contains), [typeof(string)])!,
        typeof(string).GetMethod(nameof(string.StartsWith), [typeof(string)])!,
        typeof(string).GetMethod(nameof(string.EndsWith), [typeof(string)])!,
        typeof(string).GetMethod(nameof(string.Compare), [typeof(string), typeof(string)])!,
        typeof(string).GetMethod(nameof(string.ToUpperInvariant), Type.EmptyTypes)!,
        .. typeof(Enumerable).GetMethods().Where(m => m.Name == nameof(Enumerable.Any)),
    ];

    private static readonly (string User, string Filter, bool Expected)[] SampleCases =
    [
        ("alice", "userName eq \"asmith\"", true),
        ("alice", "id eq \"2819c223-alice\"", false),
        // Case-exact ordering is left out here: string.Compare is culture-sensitive in LINQ to Objects.
        ("alice", "externalId lt \"EXT-B\"", true),
        ("alice", "externalId co \"alice\"", false),
        ("alice", "title sw \"ENG\"", true),
        ("alice", "title gt \"engineer\"", false),
        ("alice", "title ge \"ENGINEER\"", true),
        ("dave", "title eq \"Engineer\"", true),
        ("bob", "title ne \"Engineer\"", true),
        ("bob", "title lt \"z\"", false),
        ("bob", "active ne true", true),
        ("bob", "active eq false", false),
        ("carol", "active eq false", true),
        ("alice", "active eq \"true\"", true),
        ("alice", "meta.created eq \"2020-03-01T11:00:00+01:00\"", true),
        ("alice", "meta.created gt \"2020-03-01T10:30:00+01:00\"", true),
        ("alice", "meta.lastModified gt \"2021-06-15T12:30:00Z\"", true),
        ("carol", "meta.created lt \"2019-01-01T00:00:00Z\"", false),
        ("bob", "meta.created lt \"2100-01-01T00:00:00Z\"", false),
        ("bob", "meta.created ne \"2020-03-01T10:00:00Z\"", true),
        ("alice", "emails eq \"alice@home.org\"", true),
        ("alice", "emails ne \"alice@example.com\"", false),
        ("alice", "emails.type eq \"other\"", false),
        ("alice", "phoneNumbers[type eq \"mobile\" and value ew \"0199\"]", true),
        ("dave", "emails[type eq \"work\" and value co \"example.com\"]", false),
        ("dave", "emails.type eq \"work\" and emails.value co \"example.com\"", true),
        ("dave", "emails[primary ne true]", true),
        ("bob", "emails eq null", true),
        ("bob", "emails[type pr]", false),
        ("alice", "name pr", true),
        ("bob", "name.familyName eq null", true),
        ("alice", "manager pr", true),
        ("alice", $"{Enterprise}:manager.value eq \"m-1\"", true),
        ("alice", $"{Enterprise.ToUpperInvariant()}:department eq \"research\"", true),
        ("dave", "employeeNumber pr", false),
        ("bob", "department ne \"Sales\"", true),
        ("carol", "userName eq \"carol\" or title eq \"Engineer\" and active eq true", true),
        ("carol", "(userName eq \"carol\" or title eq \"Engineer\") and active eq true", false),
        ("alice", "not (emails[type eq \"home\"])", false),
        ("alice", "meta.resourceType eq \"user\"", false),
    ];

    public static TheoryData<string, string, bool> SampleFilters
    {
        get
        {
            var data = new TheoryData<string, string, bool>();
            foreach (var (user, filter, expected) in SampleCases)
            {
                data.Add(user, filter, expected);
            }

            return data;
        }
    }

    public static TheoryData<string> SampleFilterTexts
    {
        get
        {
            var data = new TheoryData<string>();
            foreach (var filter in SampleCases.Select(c => c.Filter).Distinct(StringComparer.Ordinal))
            {
                data.Add(filter);
            }

            return data;
        }
    }

    /// <summary>Filter, mapping ("User" for <see cref="ResourceMappings.User"/>, "Row" for the row mapping), and the path the detail must name.</summary>
    public static TheoryData<string, string, string> UnmappedFilters => new()
    {
        { "password eq \"secret\"", "User", "'password'" },
        { "level gt 1", "User", $"'{SampleUsers.AcmeUrn}:level'" },
        { $"schemas eq \"{Enterprise}\"", "User", "'schemas'" },
        { "title eq \"x\"", "Row", "'title'" },
        { "externalId eq \"x\"", "Row", "'externalId'" },
        { "meta.lastModified gt \"2020-01-01T00:00:00Z\"", "Row", "'meta.lastModified'" },
        { $"{Enterprise}:employeeNumber eq \"1\"", "Row", $"'{Enterprise}:employeeNumber'" },
        { "phoneNumbers pr", "Row", "'phoneNumbers'" },
        { "emails[display co \"x\"]", "Row", "'emails.display'" },
        { "active eq true and emails.display eq \"x\"", "Row", "'emails.display'" },
    };

    [Theory]
    [MemberData(nameof(SampleFilters))]
    public void Translate_SampleUser_AgreesWithExpectedAndEvaluator(string user, string filter, bool expected)
    {
        var predicate = Translator.Translate(filter, UserType, ResourceMappings.User).Compile();
        var evaluator = new ScimFilterEvaluator(Registry).Compile(filter, UserType);

        Assert.Equal(expected, predicate(SampleUsers.Typed(user)));
        Assert.Equal(expected, evaluator(SampleUsers.Json(user)));
    }

    [Theory]
    [MemberData(nameof(UnmappedFilters))]
    public void Translate_UnmappedAttribute_ThrowsInvalidFilterNamingPath(string filter, string mapping, string fragment)
    {
        var error = Assert.Throws<ScimException>(() =>
        {
            _ = mapping == "User"
                ? (LambdaExpression)Translator.Translate(filter, UserType, ResourceMappings.User)
                : Translator.Translate(filter, UserType, UserRows.Mapping);
        });

        Assert.Equal(400, error.Status);
        Assert.Equal(ScimErrorType.InvalidFilter, error.ScimType);
        Assert.Contains(fragment, error.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("displayName eq \"tour guides\"", true)]
    [InlineData("displayName sw \"TOUR\"", true)]
    [InlineData("members eq \"902c246b-6245-4190-8e05-00816be7344a\"", true)]
    [InlineData("members[display co \"pepper\" and value sw \"902c\"]", true)]
    [InlineData("members[display co \"pepper\" and value sw \"2819\"]", false)]
    [InlineData("members.type pr", false)]
    [InlineData("id eq \"E9E30DBA-F08F-4109-8486-D5C6A331660A\"", false)]
    [InlineData("meta.lastModified ge \"2011-05-13T06:42:34+02:00\"", true)]
    [InlineData("meta.resourceType eq \"Group\" and not (members.display eq \"nobody\")", true)]
    public void Translate_Rfc7643Group_AgreesWithExpectedAndEvaluator(string filter, bool expected)
    {
        // The RFC 7643 §8.4 group: "Tour Guides" with Babs Jensen and Mandy Pepperidge (no member type).
        var serializer = new ScimSerializer(Registry);
        var group = serializer.ReadGroup(File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "TestData", "rfc7643-8.4-group.json")));
        var groupType = Registry.FindResourceType("Group")!;

        var translated = Translator.Translate(filter, groupType, ResourceMappings.Group).Compile()(group);
        var evaluated = new ScimFilterEvaluator(Registry).Compile(filter, groupType)(ScimSerializer.ToJsonObject(group));

        Assert.Equal(expected, translated);
        Assert.Equal(expected, evaluated);
    }

    [Theory]
    [InlineData("name.givenName eq \"john\"", "R1")]
    // r2's work email is at y.com and its x.com email is home: only R1 has one email that is both.
    [InlineData("emails[type eq \"work\" and value co \"@x.com\"]", "R1")]
    [InlineData("emails[type eq \"work\"].value co \"@x.com\"", "R1")]
    [InlineData("emails.type eq \"work\" and emails.value co \"@x.com\"", "R1,r2")]
    [InlineData("emails[primary eq true]", "R1")]
    [InlineData("emails pr", "R1,r2")]
    [InlineData("active eq false", "r2")]
    [InlineData("active pr", "R1,r2,r3")]
    // 00:30+01:00 is 2019-12-31T23:30Z: after r2 (23:00Z), before R1 (2020-01-01T00:00Z).
    [InlineData("meta.created gt \"2020-01-01T00:30:00+01:00\"", "R1,r3")]
    [InlineData("meta.created le \"2019-12-31T23:00:00Z\"", "r2")]
    [InlineData("userName sw \"j\"", "R1,r3")]
    [InlineData("userName sw \"M\"", "r2")]
    [InlineData("name.givenName pr", "R1,r2")]
    [InlineData("name.familyName ew \"OE\"", "R1,r3")]
    [InlineData("name pr", "R1,r2,r3")]
    [InlineData("id eq \"R1\"", "R1")]
    [InlineData("id eq \"r1\"", "")]
    [InlineData("level gt 2 and level lt 200", "r2")]
    [InlineData("not (active eq true) or userName eq \"JANE\"", "r2,r3")]
    public void Translate_CustomEntity_SelectsExpectedRows(string filter, string expectedKeys)
    {
        var predicate = Translator.Translate(filter, UserType, UserRows.Mapping);

        var keys = UserRows.Create().AsQueryable().Where(predicate).Select(r => r.Key);

        Assert.Equal(expectedKeys, string.Join(",", keys));
    }

    [Fact]
    public void Translate_NumberOutOfMemberRange_ThrowsInvalidFilter()
    {
        // Level is a byte column: 300 cannot be converted.
        var error = Assert.Throws<ScimException>(() => Translator.Translate("level eq 300", UserType, UserRows.Mapping));

        Assert.Equal(ScimErrorType.InvalidFilter, error.ScimType);
        Assert.Contains("300", error.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Translate_MappingToMemberOfWrongType_ThrowsInvalidOperation()
    {
        // A host mistake, not a client one: userName mapped to an int.
        var mapping = new AttributeMapping<UserRow>().Map("userName", r => r.Email!.Length);

        var error = Assert.Throws<InvalidOperationException>(() => Translator.Translate("userName eq \"x\"", UserType, mapping));

        Assert.Contains("userName", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("name.givenName eq \"x\"")]
    [InlineData("emails[type eq \"work\" and value co \"@x.com\"]")]
    [InlineData("active eq false")]
    [InlineData("meta.created gt \"2020-01-01T00:00:00Z\"")]
    [InlineData("userName sw \"j\"")]
    [InlineData("userName ew \"m\" or userName gt \"k\" or name.familyName le \"z\"")]
    [InlineData("not (emails pr) and name pr and id lt \"r\"")]
    [InlineData("emails.value co \"x\" and emails[primary eq true]")]
    [InlineData("emails[type eq \"work\"].value eq \"a@x.com\"")]
    [InlineData("emails[type eq \"work\"].value pr or not (emails[type eq \"home\"].value sw \"j\")")]
    public void Translate_RowFilter_UsesOnlyProviderTranslatableMethods(string filter)
    {
        var expression = Translator.Translate(filter, UserType, UserRows.Mapping);

        AssertOnlyAllowedMethods(expression);
    }

    [Theory]
    [MemberData(nameof(SampleFilterTexts))]
    public void Translate_ResourceMappingFilter_UsesOnlyProviderTranslatableMethods(string filter)
    {
        var expression = Translator.Translate(filter, UserType, ResourceMappings.User);

        AssertOnlyAllowedMethods(expression);
    }

    [Theory]
    [InlineData("id eq \"R1\"", false)]
    [InlineData("id sw \"R\"", false)]
    [InlineData("externalId gt \"a\"", false)]
    [InlineData("meta.version eq \"W/1\"", false)]
    [InlineData("userName eq \"x\"", true)]
    [InlineData("title co \"x\"", true)]
    [InlineData("emails[type eq \"work\"]", true)]
    public void Translate_CaseExactAttribute_IsNotFolded(string filter, bool folded)
    {
        var expression = Translator.Translate(filter, UserType, ResourceMappings.User);

        Assert.Equal(folded, Methods(expression).Any(m => m.Name == nameof(string.ToUpperInvariant)));
    }

    [Fact]
    public void Translate_DefaultFolding_UsesToLower()
    {
        var expression = new LinqFilterTranslator(Registry).Translate("userName eq \"ASmith\"", UserType, ResourceMappings.User);

        Assert.Contains(Methods(expression), m => m.Name == nameof(string.ToLower) && m.GetParameters().Length == 0);
        Assert.True(expression.Compile()(SampleUsers.Typed("alice")));
    }

    [Fact]
    public void Translate_NoFolding_LeavesComparisonToTheStore()
    {
        // CaseFolding.None is for collations that already ignore case; LINQ to Objects then compares exactly.
        var none = new LinqFilterTranslator(Registry) { CaseFolding = CaseFolding.None };
        var alice = SampleUsers.Typed("alice");

        Assert.True(none.Translate("userName eq \"ASmith\"", UserType, ResourceMappings.User).Compile()(alice));
        Assert.False(none.Translate("userName eq \"asmith\"", UserType, ResourceMappings.User).Compile()(alice));
    }

    [Fact]
    public void Translate_CustomFolding_WrapsBothSides()
    {
        var toLowerInvariant = typeof(string).GetMethod(nameof(string.ToLowerInvariant), Type.EmptyTypes)!;
        var custom = new LinqFilterTranslator(Registry) { CaseFolding = CaseFolding.Custom("lower", e => Expression.Call(e, toLowerInvariant)) };

        var expression = custom.Translate("title eq \"ENGINEER\"", UserType, ResourceMappings.User);

        Assert.Equal(2, Methods(expression).Count(m => m == toLowerInvariant));
        Assert.True(expression.Compile()(SampleUsers.Typed("alice")));
    }

    [Fact]
    public void Translate_GuardNullsOff_DereferencesMemberChain()
    {
        var unguarded = new LinqFilterTranslator(Registry) { CaseFolding = CaseFolding.ToUpperInvariant, GuardNulls = false };
        var nameless = new User { UserName = "x" };

        var guardedResult = Translator.Translate("name.givenName eq \"x\"", UserType, ResourceMappings.User).Compile()(nameless);
        var predicate = unguarded.Translate("name.givenName eq \"x\"", UserType, ResourceMappings.User).Compile();

        Assert.False(guardedResult);
        Assert.Throws<NullReferenceException>(() => predicate(nameless));
        Assert.True(predicate(new User { Name = new Name { GivenName = "X" } }));
    }

    [Fact]
    public void Translate_ImplicitValueOfSingularComplex_AgreesWithEvaluator()
    {
        // The binder accepts "manager eq ..." (it compares manager.value) and the evaluator answers;
        // ResourceMappings.User maps manager.value, so the translator should answer too.
        const string Filter = "manager eq \"m-1\"";

        Assert.True(new ScimFilterEvaluator(Registry).Compile(Filter, UserType)(SampleUsers.Json("alice")));
        Assert.True(Translator.Translate(Filter, UserType, ResourceMappings.User).Compile()(SampleUsers.Typed("alice")));
    }

    [Fact]
    public void Translate_ValuePathOnSingularComplex_AgreesWithEvaluator()
    {
        const string Filter = "name[givenName eq \"alice\" and familyName eq \"smith\"]";

        Assert.True(new ScimFilterEvaluator(Registry).Compile(Filter, UserType)(SampleUsers.Json("alice")));
        Assert.True(Translator.Translate(Filter, UserType, ResourceMappings.User).Compile()(SampleUsers.Typed("alice")));
    }

    [Theory]
    [InlineData("emails pr")]
    [InlineData("emails eq null")]
    [InlineData("emails ne null")]
    public void Translate_EmailWithoutAnyValue_AgreesWithEvaluator(string filter)
    {
        // The typed model can hold an email with no sub-attribute set; it serializes as [{}], which
        // the evaluator (rightly, "pr is false for {}") treats as no value.
        var user = new User { Id = "u1", UserName = "x", Emails = [new Email()] };

        var evaluator = new ScimFilterEvaluator(Registry).Compile(filter, UserType)(SampleUsers.ToJson(user));
        var translator = Translator.Translate(filter, UserType, ResourceMappings.User).Compile()(user);

        Assert.Equal(evaluator, translator);
    }

    private static void AssertOnlyAllowedMethods(LambdaExpression expression)
    {
        var visitor = new MethodCollector();
        visitor.Visit(expression);

        Assert.Empty(visitor.Invocations);
        Assert.DoesNotContain("Invoke", expression.ToString(), StringComparison.Ordinal);
        Assert.All(visitor.Methods, m => Assert.Contains(m.IsGenericMethod ? m.GetGenericMethodDefinition() : m, AllowedMethods));
    }

    private static List<MethodInfo> Methods(LambdaExpression expression)
    {
        var visitor = new MethodCollector();
        visitor.Visit(expression);
        return visitor.Methods;
    }

    /// <summary>Collects every method called and every delegate invoked in an expression tree.</summary>
    private sealed class MethodCollector : ExpressionVisitor
    {
        public List<MethodInfo> Methods { get; } = [];

        public List<InvocationExpression> Invocations { get; } = [];

        protected override Expression VisitMethodCall(MethodCallExpression node)
        {
            Methods.Add(node.Method);
            return base.VisitMethodCall(node);
        }

        protected override Expression VisitInvocation(InvocationExpression node)
        {
            Invocations.Add(node);
            return base.VisitInvocation(node);
        }
    }
}
