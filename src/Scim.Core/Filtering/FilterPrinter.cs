using System.Globalization;
using System.Text;

namespace Scim.Core.Filtering;

/// <summary>
/// Writes a filter tree as canonical filter text: lower-case keywords, one space between tokens,
/// strings as JSON strings, and parentheses only where precedence (<c>not</c> &gt; <c>and</c> &gt;
/// <c>or</c>, both left-associative) needs them, so that parsing the text gives back an equal tree.
/// </summary>
internal static class FilterPrinter
{
    public static string Print(FilterExpression filter)
    {
        var builder = new StringBuilder(64);
        Append(builder, filter);
        return builder.ToString();
    }

    public static string Quote(string value)
    {
        var builder = new StringBuilder(value.Length + 2);
        AppendQuoted(builder, value);
        return builder.ToString();
    }

    public static string Operator(ComparisonOperator op) => op switch
    {
        ComparisonOperator.Equal => "eq",
        ComparisonOperator.NotEqual => "ne",
        ComparisonOperator.Contains => "co",
        ComparisonOperator.StartsWith => "sw",
        ComparisonOperator.EndsWith => "ew",
        ComparisonOperator.GreaterThan => "gt",
        ComparisonOperator.GreaterThanOrEqual => "ge",
        ComparisonOperator.LessThan => "lt",
        ComparisonOperator.LessThanOrEqual => "le",
        _ => throw new ArgumentOutOfRangeException(nameof(op)),
    };

    private static void Append(StringBuilder builder, FilterExpression filter)
    {
        switch (filter)
        {
            case ComparisonFilter comparison:
                builder.Append(comparison.Path).Append(' ').Append(Operator(comparison.Operator)).Append(' ');
                AppendValue(builder, comparison.Value);
                break;
            case PresentFilter present:
                builder.Append(present.Path).Append(" pr");
                break;
            case NotFilter not:
                builder.Append("not (");
                Append(builder, not.Inner);
                builder.Append(')');
                break;
            case ValuePathFilter valuePath:
                builder.Append(valuePath.Path).Append('[');
                Append(builder, valuePath.Filter);
                builder.Append(']');
                break;
            case AndFilter and:
                AppendOperand(builder, and.Left, parenthesize: and.Left is OrFilter);
                builder.Append(" and ");
                AppendOperand(builder, and.Right, parenthesize: and.Right is OrFilter or AndFilter);
                break;
            case OrFilter or:
                AppendOperand(builder, or.Left, parenthesize: false);
                builder.Append(" or ");
                AppendOperand(builder, or.Right, parenthesize: or.Right is OrFilter);
                break;
            default:
                throw new ArgumentException($"Unknown filter node {filter.GetType().Name}.", nameof(filter));
        }
    }

    private static void AppendOperand(StringBuilder builder, FilterExpression operand, bool parenthesize)
    {
        if (parenthesize)
        {
            builder.Append('(');
        }

        Append(builder, operand);
        if (parenthesize)
        {
            builder.Append(')');
        }
    }

    private static void AppendValue(StringBuilder builder, ComparisonValue value)
    {
        switch (value)
        {
            case StringValue s:
                AppendQuoted(builder, s.Value);
                break;
            default:
                builder.Append(value.ToString());
                break;
        }
    }

    private static void AppendQuoted(StringBuilder builder, string value)
    {
        builder.Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"': builder.Append("\\\""); break;
                case '\\': builder.Append("\\\\"); break;
                case '\b': builder.Append("\\b"); break;
                case '\f': builder.Append("\\f"); break;
                case '\n': builder.Append("\\n"); break;
                case '\r': builder.Append("\\r"); break;
                case '\t': builder.Append("\\t"); break;
                default:
                    if (c < 0x20)
                    {
                        builder.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        builder.Append(c);
                    }

                    break;
            }
        }

        builder.Append('"');
    }
}
