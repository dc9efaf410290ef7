using System.Linq.Expressions;
using Scim.Core.Errors;
using Scim.Core.Querying;
using Scim.Core.Schema;

namespace Scim.Core.Tests.Querying;

/// <summary>
/// <see cref="LinqFilterTranslator"/> over a host's key columns: an <c>id</c>, or a reference's
/// <c>value</c>, kept in an int, long or Guid column compares as that type, with the value as a
/// query parameter; text that is no such key names no row. Any other attribute mapped to a member of
/// another type stays the host's mistake.
/// </summary>
public sealed class LinqFilterTranslatorKeyTests
{
    private static readonly SchemaRegistry Registry = SchemaRegistry.CreateDefault();
    private static readonly ScimResourceType UserType = Registry.FindResourceType("User")!;
    private static readonly ScimResourceType GroupType = Registry.FindResourceType("Group")!;
    private static readonly LinqFilterTranslator Translator = new(Registry);

    private static readonly AttributeMapping<IntUser> IntMapping = new AttributeMapping<IntUser>()
        .Map("id", u => u.Id)
        .Map("userName", u => u.Login)
        .Map($"{ScimSchemaUris.EnterpriseUser}:manager.value", u => u.ManagerId);

    private static readonly AttributeMapping<LongUser> LongMapping = new AttributeMapping<LongUser>()
        .Map("id", u => u.Id)
        .Map("userName", u => u.Login);

    private static readonly AttributeMapping<GuidUser> GuidMapping = new AttributeMapping<GuidUser>()
        .Map("id", u => u.Id)
        .Map("userName", u => u.Login);

    private static readonly AttributeMapping<TeamRow> TeamMapping = new AttributeMapping<TeamRow>()
        .Map("id", t => t.Id)
        .Map("displayName", t => t.Name)
        .MapCollection("members", t => t.Members, m => m
            .Map("value", r => r.UserId)
            .Map("display", r => r.Display));

    private static readonly Guid First = new("6f1c2b8e-3a41-4d2e-9a51-0c7b9e2f4a10");
    private static readonly Guid Second = new("0a9d5e77-81b3-4f6c-a2d4-5e6f7a8b9c0d");

    private static List<IntUser> IntUsers() =>
    [
        new(5, "five", 41),
        new(41, "forty-one", null),
        new(42, "forty-two", 5),
        new(100, "hundred", 42),
    ];

    private static List<LongUser> LongUsers() =>
    [
        new(7, "seven"),
        new(9_000_000_000, "nine billion"),
        new(long.MaxValue, "max"),
    ];

    private static List<GuidUser> GuidUsers() => [new(First, "first"), new(Second, "second")];

    private static List<TeamRow> Teams() =>
    [
        new("t1", "Tour Guides", [new(7, "seven"), new(42, "forty-two")]),
        new("t2", "Pilots", [new(8, "eight")]),
        new("t3", "Empty", []),
    ];

    private static string Select<T>(List<T> rows, string filter, ScimResourceType type, AttributeMapping<T> mapping, Func<T, object> key) =>
        string.Join(",", rows.AsQueryable().Where(Translator.Translate(filter, type, mapping)).Select(r => key(r)));

    private static string Ints(string filter) => Select(IntUsers(), filter, UserType, IntMapping, u => u.Id);

    private static string Teams(string filter) => Select(Teams(), filter, GroupType, TeamMapping, t => t.Id);

    /// <summary>Every comparison of the translated predicate, and every constant in it.</summary>
    private static (List<BinaryExpression> Comparisons, List<ConstantExpression> Constants) Parts(LambdaExpression expression)
    {
        var visitor = new Collector();
        visitor.Visit(expression);
        return (visitor.Comparisons, visitor.Constants);
    }

    /// <summary>The value a parameterized operand reads (a field of a captured holder), evaluated.</summary>
    private static object? ParameterValue(Expression operand)
    {
        var field = Assert.IsAssignableFrom<MemberExpression>(operand);
        Assert.IsAssignableFrom<ConstantExpression>(field.Expression);
        return Expression.Lambda(Expression.Convert(field, typeof(object))).Compile().DynamicInvoke();
    }

    // ---------------------------------------------------------------- id over an int key

    [Fact]
    public void Translate_IdEqualsOverIntKey_IsAnEqualityOnTheKeyWithAParameter()
    {
        var expression = Translator.Translate("id eq \"42\"", UserType, IntMapping);

        var (comparisons, constants) = Parts(expression);
        var equal = Assert.Single(comparisons);
        Assert.Equal(ExpressionType.Equal, equal.NodeType);
        Assert.Equal(nameof(IntUser.Id), Assert.IsAssignableFrom<MemberExpression>(equal.Left).Member.Name);
        Assert.Equal(typeof(int), equal.Right.Type);
        Assert.Equal(42, ParameterValue(equal.Right));
        Assert.DoesNotContain(constants, c => Equals(c.Value, 42) || Equals(c.Value, "42"));
        Assert.Equal("42", Ints("id eq \"42\""));
    }

    [Fact]
    public void Translate_IdEqualsOverIntKey_TwoValuesShareOneShape()
    {
        var a = Translator.Translate("id eq \"42\"", UserType, IntMapping);
        var b = Translator.Translate("id eq \"5\"", UserType, IntMapping);

        Assert.Equal(a.ToString(), b.ToString());
        Assert.Equal(5, ParameterValue(Assert.Single(Parts(b).Comparisons).Right));
    }

    [Theory]
    [InlineData("id eq \"abc\"")]
    [InlineData("id eq \"\"")]
    [InlineData("id eq \"4 2\"")]
    [InlineData("id eq \" 42\"")]
    [InlineData("id eq \"42.0\"")]
    [InlineData("id eq \"+42\"")]
    [InlineData("id eq \"042\"")]
    [InlineData("id eq \"-0\"")]
    [InlineData("id eq \"99999999999\"")]
    [InlineData("id eq \"2819c223-7f76-453a-919d-413861904646\"")]
    public void Translate_IdThatIsNoIntOverIntKey_MatchesNothing(string filter)
    {
        Assert.Equal(string.Empty, Ints(filter));
    }

    [Theory]
    [InlineData("id ne \"abc\"", "5,41,42,100")]
    [InlineData("id ne \"42\"", "5,41,100")]
    [InlineData("not (id eq \"abc\")", "5,41,42,100")]
    [InlineData("id eq \"abc\" or userName eq \"five\"", "5")]
    [InlineData("id pr", "5,41,42,100")]
    public void Translate_IdOverIntKey_CombinesLikeAnyComparison(string filter, string expected)
    {
        Assert.Equal(expected, Ints(filter));
    }

    [Theory]
    [InlineData("id gt \"40\"", "41,42,100")]
    [InlineData("id ge \"41\"", "41,42,100")]
    [InlineData("id lt \"41\"", "5")]
    [InlineData("id le \"100\"", "5,41,42,100")]
    [InlineData("id gt \"abc\"", "")]
    public void Translate_IdOrderingOverIntKey_ComparesNumbersNotText(string filter, string expected)
    {
        // As text, "100" < "40" and "5" > "41": the key's own order is what a database uses.
        Assert.Equal(expected, Ints(filter));
    }

    [Theory]
    [InlineData("id co \"4\"")]
    [InlineData("id sw \"4\"")]
    [InlineData("id ew \"2\"")]
    public void Translate_IdSubstringOverIntKey_IsInvalidFilterNotASilentEquality(string filter)
    {
        var error = Assert.Throws<ScimException>(() => Translator.Translate(filter, UserType, IntMapping));

        Assert.Equal((400, ScimErrorType.InvalidFilter), (error.Status, error.ScimType));
        Assert.Contains("'id'", error.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Translate_IdOverIntKey_UsesNoMethodCalls()
    {
        var visitor = new Collector();
        visitor.Visit(Translator.Translate("id eq \"42\" or id gt \"abc\"", UserType, IntMapping));

        Assert.Empty(visitor.Calls);
    }

    // ---------------------------------------------------------------- long and Guid keys

    [Theory]
    [InlineData("id eq \"9000000000\"", "9000000000")]
    [InlineData("id eq \"9223372036854775807\"", "9223372036854775807")]
    [InlineData("id gt \"7\"", "9000000000,9223372036854775807")]
    [InlineData("id eq \"9223372036854775808\"", "")]
    [InlineData("id eq \"seven\"", "")]
    public void Translate_IdOverLongKey_ComparesAsLong(string filter, string expected)
    {
        var expression = Translator.Translate(filter, UserType, LongMapping);

        Assert.Equal(expected, string.Join(",", LongUsers().AsQueryable().Where(expression).Select(u => u.Id)));
    }

    [Fact]
    public void Translate_IdEqualsOverLongKey_IsAParameterOfTheKeyType()
    {
        var equal = Assert.Single(Parts(Translator.Translate("id eq \"9000000000\"", UserType, LongMapping)).Comparisons);

        Assert.Equal(typeof(long), equal.Right.Type);
        Assert.Equal(9_000_000_000L, ParameterValue(equal.Right));
    }

    [Theory]
    [InlineData("6f1c2b8e-3a41-4d2e-9a51-0c7b9e2f4a10", "first")]
    [InlineData("6F1C2B8E-3A41-4D2E-9A51-0C7B9E2F4A10", "")] // one id per resource: the lower-case form the service gives
    [InlineData("6f1c2b8e3a414d2e9a510c7b9e2f4a10", "")]
    [InlineData("{6f1c2b8e-3a41-4d2e-9a51-0c7b9e2f4a10}", "")]
    [InlineData("0a9d5e77-81b3-4f6c-a2d4-5e6f7a8b9c0d", "second")]
    [InlineData("00000000-0000-0000-0000-000000000000", "")]
    [InlineData("not-a-guid", "")]
    [InlineData("42", "")]
    public void Translate_IdEqualsOverGuidKey_ComparesAsGuid(string id, string expected)
    {
        var expression = Translator.Translate($"id eq \"{id}\"", UserType, GuidMapping);

        Assert.Equal(expected, string.Join(",", GuidUsers().AsQueryable().Where(expression).Select(u => u.Login)));
    }

    [Fact]
    public void Translate_IdEqualsOverGuidKey_IsAParameterOfTheKeyType()
    {
        var equal = Assert.Single(Parts(Translator.Translate($"id eq \"{First}\"", UserType, GuidMapping)).Comparisons);

        Assert.Equal(typeof(Guid), equal.Right.Type);
        Assert.Equal(First, ParameterValue(equal.Right));
    }

    [Theory]
    [InlineData("co")]
    [InlineData("sw")]
    [InlineData("ew")]
    public void Translate_IdSubstringOverGuidKey_IsInvalidFilter(string op)
    {
        var error = Assert.Throws<ScimException>(() => Translator.Translate($"id {op} \"{First}\"", UserType, GuidMapping));

        Assert.Equal((400, ScimErrorType.InvalidFilter), (error.Status, error.ScimType));
    }

    [Theory]
    [InlineData("gt", "first")]
    [InlineData("le", "second")]
    public void Translate_IdOrderingOverGuidKey_ComparesGuids(string op, string expected)
    {
        // Guid's own order: the second row's key is the smaller one.
        var expression = Translator.Translate($"id {op} \"{Second}\"", UserType, GuidMapping);

        Assert.Equal(expected, string.Join(",", GuidUsers().AsQueryable().Where(expression).Select(u => u.Login)));
    }

    [Fact]
    public void Translate_MemberValueSubstringOverIntKey_IsInvalidFilter()
    {
        var error = Assert.Throws<ScimException>(() => Translator.Translate("members[value sw \"4\"]", GroupType, TeamMapping));

        Assert.Equal((400, ScimErrorType.InvalidFilter), (error.Status, error.ScimType));
    }

    // ---------------------------------------------------------------- references' value over a key

    [Theory]
    [InlineData("members[value eq \"7\"]", "t1")]
    [InlineData("members[value eq \"8\"]", "t2")]
    [InlineData("members eq \"42\"", "t1")]
    [InlineData("members.value eq \"42\"", "t1")]
    [InlineData("members[value eq \"9\"]", "")]
    [InlineData("members[value eq \"abc\"]", "")]
    [InlineData("members[value eq \"7\" or value eq \"8\"]", "t1,t2")]
    [InlineData("members[value eq \"7\" and display eq \"seven\"]", "t1")]
    [InlineData("members[value eq \"7\" and display eq \"eight\"]", "")]
    [InlineData("members[value ne \"7\"]", "t1,t2")]
    [InlineData("not (members[value eq \"7\"])", "t2,t3")]
    public void Translate_MemberValueOverIntKey_SelectsTheGroupsOfThatMember(string filter, string expected)
    {
        Assert.Equal(expected, Teams(filter));
    }

    [Fact]
    public void Translate_MemberValueOverIntKey_IsAParameter()
    {
        var (comparisons, constants) = Parts(Translator.Translate("members[value eq \"7\"]", GroupType, TeamMapping));

        var equal = Assert.Single(comparisons, c => c.Left.Type == typeof(int));
        Assert.Equal(7, ParameterValue(equal.Right));
        Assert.DoesNotContain(constants, c => Equals(c.Value, 7));
    }

    [Theory]
    [InlineData("manager eq \"41\"", "5")]
    [InlineData("manager.value eq \"5\"", "42")]
    [InlineData("manager.value eq \"abc\"", "")]
    [InlineData("manager pr", "5,42,100")]
    [InlineData("manager.value gt \"10\"", "5,100")]
    public void Translate_ManagerValueOverNullableIntKey_Compares(string filter, string expected)
    {
        Assert.Equal(expected, Ints(filter));
    }

    // ---------------------------------------------------------------- still the host's mistake

    [Fact]
    public void Translate_UserNameMappedToAnInt_ThrowsInvalidOperationNamingIt()
    {
        var mapping = new AttributeMapping<IntUser>().Map("id", u => u.Id).Map("userName", u => u.Id);

        var error = Assert.Throws<InvalidOperationException>(() => Translator.Translate("userName eq \"42\"", UserType, mapping));

        Assert.Contains("userName", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Translate_DisplayNameMappedToALong_ThrowsInvalidOperation()
    {
        var mapping = new AttributeMapping<LongUser>().Map("displayName", u => u.Id);

        Assert.Throws<InvalidOperationException>(() => Translator.Translate("displayName eq \"7\"", UserType, mapping));
    }

    [Fact]
    public void Translate_IdMappedToADecimal_ThrowsInvalidOperation()
    {
        // Not a key type the translator knows: the host mapped id to something it cannot compare.
        var mapping = new AttributeMapping<DecimalUser>().Map("id", u => u.Id);

        Assert.Throws<InvalidOperationException>(() => Translator.Translate("id eq \"abc\"", UserType, mapping));
    }

    private sealed record IntUser(int Id, string Login, int? ManagerId);

    private sealed record LongUser(long Id, string Login);

    private sealed record GuidUser(Guid Id, string Login);

    private sealed record DecimalUser(decimal Id);

    private sealed record TeamRow(string Id, string Name, List<MembershipRow> Members);

    private sealed record MembershipRow(int UserId, string Display);

    private sealed class Collector : ExpressionVisitor
    {
        public List<BinaryExpression> Comparisons { get; } = [];

        public List<ConstantExpression> Constants { get; } = [];

        public List<MethodCallExpression> Calls { get; } = [];

        protected override Expression VisitBinary(BinaryExpression node)
        {
            if (node.NodeType is ExpressionType.Equal or ExpressionType.NotEqual or ExpressionType.GreaterThan or ExpressionType.GreaterThanOrEqual or ExpressionType.LessThan or ExpressionType.LessThanOrEqual)
            {
                Comparisons.Add(node);
            }

            return base.VisitBinary(node);
        }

        protected override Expression VisitConstant(ConstantExpression node)
        {
            Constants.Add(node);
            return base.VisitConstant(node);
        }

        protected override Expression VisitMethodCall(MethodCallExpression node)
        {
            Calls.Add(node);
            return base.VisitMethodCall(node);
        }
    }
}
