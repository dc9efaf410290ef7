using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Pidgin;
using static Pidgin.Parser;
using static Pidgin.Parser<char>;

namespace Scim.Core.Filtering;

/// <summary>
/// The Pidgin grammar of RFC 7644 §3.4.2.2 filters and §3.5.2 PATCH paths (ABNF in RFC 7644 §8).
/// Parsers are built once per mode and shared; they are thread-safe. Precedence: <c>not</c> and
/// grouping bind tightest, then <c>and</c>, then <c>or</c>, both left-associative. Keywords and
/// operators are case-insensitive (RFC 5234 quoted strings are). Whitespace between tokens is any
/// run of spaces, tabs or newlines.
/// </summary>
internal sealed partial class FilterGrammar
{
    private FilterGrammar(bool lenient)
    {
        var attributePath = Tok(Token(IsPathChar).AtLeastOnceString()
            .Assert(raw => TrySplitPath(raw, out _, out _), raw => TrySplitPath(raw, out _, out var error) ? string.Empty : error)
            .Select(raw => { TrySplitPath(raw, out var path, out _); return path!; }))
            .Labelled("an attribute path");

        var comparisonOperator = OneOf(
                Keyword("eq").ThenReturn(ComparisonOperator.Equal),
                Keyword("ne").ThenReturn(ComparisonOperator.NotEqual),
                Keyword("co").ThenReturn(ComparisonOperator.Contains),
                Keyword("sw").ThenReturn(ComparisonOperator.StartsWith),
                Keyword("ew").ThenReturn(ComparisonOperator.EndsWith),
                Keyword("gt").ThenReturn(ComparisonOperator.GreaterThan),
                Keyword("ge").ThenReturn(ComparisonOperator.GreaterThanOrEqual),
                Keyword("lt").ThenReturn(ComparisonOperator.LessThan),
                Keyword("le").ThenReturn(ComparisonOperator.LessThanOrEqual))
            .Labelled(OperatorLabel);

        // Each alternative is labelled where it starts, not as a whole: a string that fails after its
        // opening quote keeps its own message ("a closing '\"'", "a JSON escape").
        var valueLabel = lenient ? "a comparison value" : "a comparison value (a quoted string, number, true, false or null)";
        var values = new List<Parser<char, ComparisonValue>>
        {
            Lookahead(Char('"')).Labelled(valueLabel).Then(JsonString).Select(s => (ComparisonValue)new StringValue(s)),
            Try(Token(c => char.IsAsciiDigit(c) || c is '-' or '+' or '.' or 'e' or 'E').AtLeastOnceString()
                .Before(Lookahead(Delimiter))
                .Assert(IsJsonNumber, valueLabel))
                .Labelled(valueLabel)
                .Select(text => (ComparisonValue)new NumberValue(text)),
            Keyword("true").Labelled(valueLabel).ThenReturn((ComparisonValue)new BooleanValue(true)),
            Keyword("false").Labelled(valueLabel).ThenReturn((ComparisonValue)new BooleanValue(false)),
            Keyword("null").Labelled(valueLabel).ThenReturn((ComparisonValue)NullValue.Instance),
        };
        // RFC 7644 §3.4.2.2 strings are JSON strings, always in double quotes. A value that opens with a
        // single quote is a string quoted the wrong way, not a bare word: read as one, 'x' (quotes
        // included) would match nothing and the client would never learn why. Refused in both modes.
        values.Add(Char('\'').Labelled(valueLabel).Then(Fail<ComparisonValue>(SingleQuoteMessage)));
        if (lenient)
        {
            // Unquoted strings as real clients send them: userName sw O, meta.created gt 2015-10-10T14:38:21Z.
            values.Add(Token(c => !char.IsWhiteSpace(c) && c is not '(' and not ')' and not '[' and not ']' and not '"')
                .AtLeastOnceString()
                .Labelled(valueLabel)
                .Select(s => (ComparisonValue)new StringValue(s)));
        }

        var comparisonValue = Tok(OneOf(values));

        Parser<char, FilterExpression>? orExpression = null;
        var or = Rec(() => orExpression!);

        // What follows an attribute path in a comparison: "pr", or an operator and a value.
        var comparisonTail = OneOf(
            Keyword("pr").Labelled(OperatorLabel).ThenReturn<Func<AttributePath, FilterExpression>>(p => new PresentFilter(p)),
            Map<char, ComparisonOperator, ComparisonValue, Func<AttributePath, FilterExpression>>(
                (op, value) => p => new ComparisonFilter(p, op, value), comparisonOperator, comparisonValue));

        var subAttribute = Char('.').Then(Token(IsNameChar).AtLeastOnceString().Assert(IsAttributeName, "an attribute name")).Labelled("'.subAttribute'");
        var valuePath = Tok(Char('[')).Then(or).Before(Char(']').Labelled("']'"));
        // Lenient: a value path followed by a comparison on one of its sub-attributes, which Entra ID
        // sends to match users by work email: emails[type eq "work"].value eq "x@example.com". RFC 7644
        // §3.4.2.2 has no such form (its valuePath.subAttr exists in PATCH paths only). It is read as
        // emails[type eq "work" and value eq "x@example.com"] (one email that is both), whatever the
        // operator, so the tree is the RFC's own and the binder, the evaluator and the LINQ translator
        // need nothing new. It is a leniency like unquoted values, so FilterOptions.Strict (the switch
        // for all of them) refuses it. It gets no switch of its own: it has one reading, it only turns
        // what was a 400 into that reading, and a host that wants RFC syntax alone already has Strict.
        Parser<char, Func<AttributePath, FilterExpression>> valuePathTerm = lenient
            ? Map<char, FilterExpression, Maybe<FilterExpression>, Func<AttributePath, FilterExpression>>(
                (inner, compared) => p => new ValuePathFilter(p, compared.HasValue ? new AndFilter(inner, compared.Value) : inner),
                valuePath,
                Tok(subAttribute).Then(comparisonTail, (sub, term) => term(new AttributePath(null, sub, null))).Optional())
                .Before(SkipWhitespaces)
            : valuePath.Before(SkipWhitespaces).Select<Func<AttributePath, FilterExpression>>(inner => p => new ValuePathFilter(p, inner));

        var attributeTerm =
            from path in attributePath
            from term in OneOf(valuePathTerm, comparisonTail)
            select term(path);

        var unary = OneOf(
            // "not" followed by anything but '(' is an attribute named "not" (RFC 7644 §8 allows the name).
            Try(Keyword("not").Then(Tok(Char('(')))).Then(or).Before(Tok(Char(')')).Labelled("')'"))
                .Select(inner => (FilterExpression)new NotFilter(inner)),
            Tok(Char('(')).Then(or).Before(Tok(Char(')')).Labelled("')'")),
            attributeTerm);

        var and = unary.SeparatedAtLeastOnce(Keyword("and"))
            .Select(terms => terms.Aggregate((left, right) => new AndFilter(left, right)));
        orExpression = and.SeparatedAtLeastOnce(Keyword("or"))
            .Select(terms => terms.Aggregate((left, right) => new OrFilter(left, right)));

        Filter = SkipWhitespaces.Then(orExpression).Before(End.Labelled("'and', 'or' or the end of the filter"));

        PatchPath =
            from _ in SkipWhitespaces
            from path in attributePath
            from filter in Tok(Char('[')).Then(or).Before(Char(']').Labelled("']'")).Optional()
            from sub in (filter.HasValue ? subAttribute.Optional() : Return(Maybe.Nothing<string>())).Before(SkipWhitespaces)
            from end in End.Labelled(filter.HasValue ? "'.subAttribute' or the end of the path" : "'[' or the end of the path")
            select new PatchPath(path, filter.HasValue ? filter.Value : null, sub.HasValue ? sub.Value : null);
    }

    public Parser<char, FilterExpression> Filter { get; }

    public Parser<char, PatchPath> PatchPath { get; }

    private const string OperatorLabel = "a comparison operator (eq, ne, co, sw, ew, gt, ge, lt, le, pr)";

    private const string SingleQuoteMessage = "a string in double quotes (\"x\"), not single quotes,";

    private static Parser<char, Unit> Delimiter { get; } =
        OneOf(Token(c => char.IsWhiteSpace(c) || c is ')' or ']').IgnoreResult(), End);

    private static Parser<char, string> JsonString { get; } =
        Char('"').Then(
            OneOf(
                Token(c => c is not '"' and not '\\').AtLeastOnceString(),
                Char('\\').Then(OneOf(
                    Char('"').ThenReturn("\""),
                    Char('\\').ThenReturn("\\"),
                    Char('/').ThenReturn("/"),
                    Char('b').ThenReturn("\b"),
                    Char('f').ThenReturn("\f"),
                    Char('n').ThenReturn("\n"),
                    Char('r').ThenReturn("\r"),
                    Char('t').ThenReturn("\t"),
                    Char('u').Then(Token(char.IsAsciiHexDigit).RepeatString(4))
                        .Select(hex => ((char)int.Parse(hex, NumberStyles.HexNumber, CultureInfo.InvariantCulture)).ToString()))
                    .Labelled("a JSON escape (\\\", \\\\, \\/, \\b, \\f, \\n, \\r, \\t, \\uXXXX)")))
            .ManyString())
        .Before(Char('"').Labelled("a closing '\"'"));

    private static Parser<char, string> Keyword(string word) =>
        Tok(Try(CIString(word).Before(Not(Token(IsPathChar)))));

    private static Parser<char, T> Tok<T>(Parser<char, T> parser) => parser.Before(SkipWhitespaces);

    private static bool IsNameChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '$';

    private static bool IsPathChar(char c) => IsNameChar(c) || c is ':' or '.';

    private static bool PrecededByNot(string text, int offset)
    {
        var end = offset;
        while (end > 0 && char.IsWhiteSpace(text[end - 1]))
        {
            end--;
        }

        var start = end;
        while (start > 0 && IsPathChar(text[start - 1]))
        {
            start--;
        }

        return end - start == 3 && text.AsSpan(start, 3).Equals("not", StringComparison.OrdinalIgnoreCase);
    }

    private static bool IsTokenChar(char c) => !char.IsWhiteSpace(c) && c is not ('(' or ')' or '[' or ']' or '"');

    // RFC 7644 §8: ATTRNAME = ALPHA *(nameChar); "$ref" is the one name that starts otherwise.
    internal static bool IsAttributeName(string name) =>
        name.Length > 0 && (char.IsAsciiLetter(name[0]) || name == "$ref") && name.AsSpan(1).IndexOfAnyExcept(NameCharacters) < 0;

    private static readonly System.Buffers.SearchValues<char> NameCharacters =
        System.Buffers.SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-$");

    [GeneratedRegex(@"^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$", RegexOptions.CultureInvariant)]
    private static partial Regex JsonNumber();

    private static bool IsJsonNumber(string text) => JsonNumber().IsMatch(text);

    /// <summary>Splits <c>[urn:...:]name[.sub]</c>; the URN is everything up to the last ':'.</summary>
    internal static bool TrySplitPath(string raw, out AttributePath? path, out string error)
    {
        path = null;
        string? schema = null;
        var local = raw;
        if (raw.StartsWith("urn:", StringComparison.OrdinalIgnoreCase))
        {
            var colon = raw.LastIndexOf(':');
            schema = raw[..colon];
            local = raw[(colon + 1)..];
            if (schema.Length <= 4 || local.Length == 0)
            {
                error = $"a schema URN followed by ':' and an attribute name (got '{raw}')";
                return false;
            }
        }
        else if (raw.Contains(':', StringComparison.Ordinal))
        {
            error = $"an attribute path; '{raw}' has ':' but does not start with 'urn:'";
            return false;
        }

        var dot = local.IndexOf('.', StringComparison.Ordinal);
        var name = dot < 0 ? local : local[..dot];
        var sub = dot < 0 ? null : local[(dot + 1)..];
        if (!IsAttributeName(name) || (sub is not null && !IsAttributeName(sub)))
        {
            error = $"an attribute path of the form 'attribute' or 'attribute.subAttribute' (got '{raw}')";
            return false;
        }

        path = new AttributePath(schema, name, sub);
        error = string.Empty;
        return true;
    }

    /// <summary>Turns a Pidgin error into "expected X at column N" (columns count from 1).</summary>
    internal static string Describe(ParseError<char> error, string text)
    {
        var expected = error.Expected
            .Select(e => e.Label ?? (e.IsEof ? "the end of the input" : $"'{new string(e.Tokens.AsSpan())}'"))
            .Distinct(StringComparer.Ordinal)
            .ToList();
        var builder = new StringBuilder();
        if (error.Message is { Length: > 0 } message)
        {
            builder.Append("expected ").Append(message);
        }
        else if (expected.Count > 0)
        {
            builder.Append("expected ").Append(string.Join(" or ", expected));
            if (expected.Contains(OperatorLabel) && PrecededByNot(text, (int)Math.Min(error.ErrorOffset, text.Length)))
            {
                // "not userName eq ..." reads "not" as an attribute name; say what was probably meant.
                builder.Append(" or '(' after not");
            }
        }
        else
        {
            builder.Append("unexpected input");
        }

        var offset = (int)Math.Min(error.ErrorOffset, text.Length);
        var failedCheck = error.Message is { Length: > 0 };
        var failedMidWord = expected.Contains(OperatorLabel) && offset < text.Length && IsTokenChar(text[offset]);
        var failedInValue = expected.Any(e => e.StartsWith("a comparison value", StringComparison.Ordinal))
            && offset > 0 && offset < text.Length && IsTokenChar(text[offset - 1]);
        if (failedCheck || failedMidWord || failedInValue)
        {
            // A check on a whole token (an attribute path, a number) fails after the text it read, and a
            // keyword can fail part-way ("equ"): report either from the start of the token.
            while (offset > 0 && IsTokenChar(text[offset - 1]) && !(text[offset - 1] == '.' && offset >= 2 && text[offset - 2] == ']'))
            {
                offset--;
            }
        }

        builder.Append(" at column ").Append(offset + 1);
        if (offset >= text.Length)
        {
            builder.Append(" (the end of the input)");
        }
        else
        {
            var end = offset;
            while (end < text.Length && end - offset < 20 && IsTokenChar(text[end]))
            {
                end++;
            }

            builder.Append(" (found '").Append(end > offset ? text[offset..end] : text[offset].ToString()).Append("')");
        }

        return builder.ToString();
    }

    // Declared last: static initializers run in text order, and these use the parsers above.
    public static readonly FilterGrammar Lenient = new(lenient: true);
    public static readonly FilterGrammar Strict = new(lenient: false);
}
