using System.Buffers;
using System.Collections.Frozen;
using System.Globalization;
using System.Text;

namespace Scim.Core.Filtering;

/// <summary>
/// A hand-written recursive-descent reader of the same grammar as <see cref="FilterGrammar"/>, for
/// speed: it accepts exactly the texts the Pidgin grammar accepts and builds the same tree, and on
/// anything unusual or wrong it returns <see langword="null"/> so that the Pidgin grammar parses
/// the text again and reports the error. Property tests hold the two to the same language.
/// Recursion is bounded by the nesting limit checked before either parser runs. A struct: parsing
/// allocates only the tree.
/// </summary>
internal struct FastFilterParser
{
    // The paths IdPs filter on in every sync, read without copying their text: a path is immutable,
    // so every filter naming one shares its instance.
    private static readonly FrozenDictionary<string, AttributePath>.AlternateLookup<ReadOnlySpan<char>> CommonPaths =
        new[] { "id", "userName", "externalId", "displayName", "active", "emails", "members", "value", "type", "primary", "title" }
            .Select(name => new AttributePath(null, name, null))
            .Concat([new(null, "emails", "value"), new(null, "emails", "type"), new(null, "members", "value"), new(null, "meta", "lastModified"), new(null, "meta", "created"), new(null, "name", "givenName"), new(null, "name", "familyName")])
            .ToFrozenDictionary(path => path.ToString(), StringComparer.Ordinal)
            .GetAlternateLookup<ReadOnlySpan<char>>();

    private static readonly SearchValues<char> QuoteOrEscape = SearchValues.Create("\"\\");

    private static readonly SearchValues<char> HexDigits = SearchValues.Create("0123456789abcdefABCDEF");

    private readonly string _text;
    private readonly bool _lenient;
    private int _pos;

    private FastFilterParser(string text, bool lenient)
    {
        _text = text;
        _lenient = lenient;
    }

    public static FilterExpression? TryParseFilter(string text, bool lenient)
    {
        var parser = new FastFilterParser(text, lenient);
        parser.SkipWhitespace();
        var result = parser.Or();
        return result is not null && parser._pos == text.Length ? result : null;
    }

    public static PatchPath? TryParsePatchPath(string text, bool lenient)
    {
        var parser = new FastFilterParser(text, lenient);
        parser.SkipWhitespace();
        var path = parser.Path();
        if (path is null)
        {
            return null;
        }

        parser.SkipWhitespace();
        if (parser._pos == text.Length)
        {
            return new PatchPath(path, null, null);
        }

        if (!parser.Take('['))
        {
            return null;
        }

        parser.SkipWhitespace();
        var filter = parser.Or();
        if (filter is null || !parser.Take(']'))
        {
            return null;
        }

        string? sub = null;
        if (parser.Take('.'))
        {
            var start = parser._pos;
            while (parser._pos < text.Length && IsNameChar(text[parser._pos]))
            {
                parser._pos++;
            }

            sub = text[start..parser._pos];
            if (!FilterGrammar.IsAttributeName(sub))
            {
                return null;
            }
        }

        parser.SkipWhitespace();
        return parser._pos == text.Length ? new PatchPath(path, filter, sub) : null;
    }

    private FilterExpression? Or()
    {
        var left = And();
        while (left is not null && Keyword("or"))
        {
            var right = And();
            left = right is null ? null : new OrFilter(left, right);
        }

        return left;
    }

    private FilterExpression? And()
    {
        var left = Unary();
        while (left is not null && Keyword("and"))
        {
            var right = Unary();
            left = right is null ? null : new AndFilter(left, right);
        }

        return left;
    }

    private FilterExpression? Unary()
    {
        if (Take('('))
        {
            SkipWhitespace();
            var inner = Or();
            return inner is not null && Take(')') ? Whitespace(inner) : null;
        }

        var save = _pos;
        if (Keyword("not"))
        {
            if (Take('('))
            {
                SkipWhitespace();
                var inner = Or();
                return inner is not null && Take(')') ? Whitespace(new NotFilter(inner)) : null;
            }

            // "not" not followed by '(' is an attribute named "not".
            _pos = save;
        }

        return AttributeTerm();
    }

    private FilterExpression? AttributeTerm()
    {
        var path = Path();
        if (path is null)
        {
            return null;
        }

        SkipWhitespace();
        if (Take('['))
        {
            SkipWhitespace();
            var inner = Or();
            if (inner is null || !Take(']'))
            {
                return null;
            }

            // Lenient: emails[type eq "work"].value eq "x" is emails[type eq "work" and value eq "x"] (see FilterGrammar).
            if (_lenient && Take('.'))
            {
                var start = _pos;
                while (_pos < _text.Length && IsNameChar(_text[_pos]))
                {
                    _pos++;
                }

                var name = _text[start.._pos];
                if (!FilterGrammar.IsAttributeName(name))
                {
                    return null;
                }

                SkipWhitespace();
                return Comparison(new AttributePath(null, name, null)) is { } compared
                    ? Whitespace(new ValuePathFilter(path, new AndFilter(inner, compared)))
                    : null;
            }

            return Whitespace(new ValuePathFilter(path, inner));
        }

        return Comparison(path);
    }

    /// <summary>What follows an attribute path in a comparison: <c>pr</c>, or an operator and a value.</summary>
    private FilterExpression? Comparison(AttributePath path)
    {
        if (Keyword("pr"))
        {
            return new PresentFilter(path);
        }

        var op = Operator();
        if (op is null)
        {
            return null;
        }

        var value = Value();
        return value is null ? null : Whitespace(new ComparisonFilter(path, op.Value, value));
    }

    private AttributePath? Path()
    {
        var start = _pos;
        while (_pos < _text.Length && IsPathChar(_text[_pos]))
        {
            _pos++;
        }

        if (_pos == start)
        {
            return null;
        }

        if (CommonPaths.TryGetValue(_text.AsSpan(start, _pos - start), out var common))
        {
            return common;
        }

        return FilterGrammar.TrySplitPath(_text[start.._pos], out var path, out _) ? path : null;
    }

    private ComparisonOperator? Operator()
    {
        if (_pos + 2 > _text.Length || (_pos + 2 < _text.Length && IsPathChar(_text[_pos + 2])))
        {
            return null;
        }

        var a = (char)(_text[_pos] | 0x20);
        var b = (char)(_text[_pos + 1] | 0x20);
        ComparisonOperator? op = (a, b) switch
        {
            ('e', 'q') => ComparisonOperator.Equal,
            ('n', 'e') => ComparisonOperator.NotEqual,
            ('c', 'o') => ComparisonOperator.Contains,
            ('s', 'w') => ComparisonOperator.StartsWith,
            ('e', 'w') => ComparisonOperator.EndsWith,
            ('g', 't') => ComparisonOperator.GreaterThan,
            ('g', 'e') => ComparisonOperator.GreaterThanOrEqual,
            ('l', 't') => ComparisonOperator.LessThan,
            ('l', 'e') => ComparisonOperator.LessThanOrEqual,
            _ => null,
        };
        if (op is not null)
        {
            _pos += 2;
            SkipWhitespace();
        }

        return op;
    }

    private ComparisonValue? Value()
    {
        if (_pos >= _text.Length)
        {
            return null;
        }

        if (_text[_pos] == '"')
        {
            return String() is { } s ? new StringValue(s) : null;
        }

        // A number: a run of number characters that ends at a delimiter and is a JSON number.
        var start = _pos;
        var end = start;
        while (end < _text.Length && (char.IsAsciiDigit(_text[end]) || _text[end] is '-' or '+' or '.' or 'e' or 'E'))
        {
            end++;
        }

        if (end > start && (end == _text.Length || char.IsWhiteSpace(_text[end]) || _text[end] is ')' or ']') && IsJsonNumber(_text.AsSpan(start, end - start)))
        {
            _pos = end;
            return new NumberValue(_text[start..end]);
        }

        if (Keyword("true"))
        {
            return new BooleanValue(true);
        }

        if (Keyword("false"))
        {
            return new BooleanValue(false);
        }

        if (Keyword("null"))
        {
            return NullValue.Instance;
        }

        // A single-quoted value is refused (FilterGrammar explains it); strict mode has no unquoted values.
        if (!_lenient || _text[_pos] == '\'')
        {
            return null;
        }

        while (_pos < _text.Length && !char.IsWhiteSpace(_text[_pos]) && _text[_pos] is not ('(' or ')' or '[' or ']' or '"'))
        {
            _pos++;
        }

        return _pos > start ? new StringValue(_text[start.._pos]) : null;
    }

    private string? String()
    {
        _pos++; // the opening quote
        var start = _pos;
        var stop = _text.AsSpan(_pos).IndexOfAny(QuoteOrEscape);
        _pos = stop < 0 ? _text.Length : _pos + stop;

        if (_pos < _text.Length && _text[_pos] == '"')
        {
            _pos++;
            return _text[start..(_pos - 1)];
        }

        var builder = new StringBuilder().Append(_text, start, _pos - start);
        while (_pos < _text.Length)
        {
            var c = _text[_pos++];
            if (c == '"')
            {
                return builder.ToString();
            }

            if (c != '\\')
            {
                builder.Append(c);
                continue;
            }

            if (_pos >= _text.Length)
            {
                return null;
            }

            var escape = _text[_pos++];
            switch (escape)
            {
                case '"' or '\\' or '/': builder.Append(escape); break;
                case 'b': builder.Append('\b'); break;
                case 'f': builder.Append('\f'); break;
                case 'n': builder.Append('\n'); break;
                case 'r': builder.Append('\r'); break;
                case 't': builder.Append('\t'); break;
                case 'u':
                    // Four hex digits, each checked: int.TryParse would also take trailing NULs ("D83\0").
                    if (_pos + 4 > _text.Length || _text.AsSpan(_pos, 4).ContainsAnyExcept(HexDigits))
                    {
                        return null;
                    }

                    builder.Append((char)int.Parse(_text.AsSpan(_pos, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture));
                    _pos += 4;
                    break;
                default:
                    return null;
            }
        }

        return null;
    }

    /// <summary>Matches a keyword in any case that is not the start of a longer name, and the whitespace after it.</summary>
    private bool Keyword(string word)
    {
        if (_pos + word.Length > _text.Length
            || !_text.AsSpan(_pos, word.Length).Equals(word, StringComparison.OrdinalIgnoreCase)
            || (_pos + word.Length < _text.Length && IsPathChar(_text[_pos + word.Length])))
        {
            return false;
        }

        _pos += word.Length;
        SkipWhitespace();
        return true;
    }

    private bool Take(char c)
    {
        if (_pos < _text.Length && _text[_pos] == c)
        {
            _pos++;
            return true;
        }

        return false;
    }

    private T Whitespace<T>(T value)
    {
        SkipWhitespace();
        return value;
    }

    private void SkipWhitespace()
    {
        while (_pos < _text.Length && char.IsWhiteSpace(_text[_pos]))
        {
            _pos++;
        }
    }

    private static bool IsNameChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '$';

    private static bool IsPathChar(char c) => IsNameChar(c) || c is ':' or '.';

    // -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
    private static bool IsJsonNumber(ReadOnlySpan<char> s)
    {
        var i = 0;
        if (i < s.Length && s[i] == '-')
        {
            i++;
        }

        if (i >= s.Length || !char.IsAsciiDigit(s[i]))
        {
            return false;
        }

        if (s[i] == '0')
        {
            i++;
        }
        else
        {
            while (i < s.Length && char.IsAsciiDigit(s[i]))
            {
                i++;
            }
        }

        if (i < s.Length && s[i] == '.')
        {
            i++;
            var digits = i;
            while (i < s.Length && char.IsAsciiDigit(s[i]))
            {
                i++;
            }

            if (i == digits)
            {
                return false;
            }
        }

        if (i < s.Length && s[i] is 'e' or 'E')
        {
            i++;
            if (i < s.Length && s[i] is '+' or '-')
            {
                i++;
            }

            var digits = i;
            while (i < s.Length && char.IsAsciiDigit(s[i]))
            {
                i++;
            }

            if (i == digits)
            {
                return false;
            }
        }

        return i == s.Length;
    }
}
