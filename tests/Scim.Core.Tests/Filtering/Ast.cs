using Scim.Core.Filtering;

namespace Scim.Core.Tests.Filtering;

/// <summary>Short builders for expected trees, so that a test row reads like the filter it parses.</summary>
internal static class Ast
{
    public const string CoreUser = "urn:ietf:params:scim:schemas:core:2.0:User";

    public const string EnterpriseUser = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

    public static NullValue Null => NullValue.Instance;

    /// <summary>A path without schema URN: <c>name</c> or <c>name.sub</c> (split at the first dot).</summary>
    public static AttributePath Attr(string dotted)
    {
        var dot = dotted.IndexOf('.', StringComparison.Ordinal);
        return dot < 0
            ? new AttributePath(null, dotted, null)
            : new AttributePath(null, dotted[..dot], dotted[(dot + 1)..]);
    }

    public static AttributePath Urn(string schema, string name, string? subAttribute = null) => new(schema, name, subAttribute);

    public static StringValue Str(string value) => new(value);

    public static NumberValue Num(string text) => new(text);

    public static BooleanValue Bool(bool value) => new(value);

    public static ComparisonFilter Cmp(string dotted, ComparisonOperator op, ComparisonValue value) => new(Attr(dotted), op, value);

    public static ComparisonFilter Cmp(AttributePath path, ComparisonOperator op, ComparisonValue value) => new(path, op, value);

    public static ComparisonFilter Eq(string dotted, string value) => new(Attr(dotted), ComparisonOperator.Equal, new StringValue(value));

    public static PresentFilter Pr(string dotted) => new(Attr(dotted));

    public static PresentFilter Pr(AttributePath path) => new(path);

    public static AndFilter And(FilterExpression left, FilterExpression right) => new(left, right);

    public static OrFilter Or(FilterExpression left, FilterExpression right) => new(left, right);

    public static NotFilter Not(FilterExpression inner) => new(inner);

    public static ValuePathFilter Vp(string dotted, FilterExpression filter) => new(Attr(dotted), filter);

    public static ValuePathFilter Vp(AttributePath path, FilterExpression filter) => new(path, filter);

    public static PatchPath Patch(AttributePath path, FilterExpression? valueFilter = null, string? subAttribute = null) =>
        new(path, valueFilter, subAttribute);

    /// <summary><paramref name="inner"/> wrapped in <paramref name="levels"/> pairs of parentheses.</summary>
    public static string Parenthesized(int levels, string inner) => new string('(', levels) + inner + new string(')', levels);
}
