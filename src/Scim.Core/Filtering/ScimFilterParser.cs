using System.Buffers;
using Pidgin;
using Scim.Core.Errors;

namespace Scim.Core.Filtering;

/// <summary>
/// Parses SCIM filters (RFC 7644 §3.4.2.2) and PATCH paths (RFC 7644 §3.5.2) into immutable trees.
/// Every failure is a <see cref="ScimException"/> (400 <c>invalidFilter</c> for filters,
/// 400 <c>invalidPath</c> for paths) whose detail says what was expected at which column.
/// </summary>
public static class ScimFilterParser
{
    private static readonly SearchValues<char> Structural = SearchValues.Create("\"()[]");

    /// <summary>Parses a filter such as <c>userName eq "bjensen" and emails[type eq "work"]</c>.</summary>
    /// <param name="filter">The filter text (already URL-decoded).</param>
    /// <param name="options">Mode and limits; <see langword="null"/> for the defaults.</param>
    /// <returns>The filter tree.</returns>
    /// <exception cref="ScimException">400 <c>invalidFilter</c>: the filter is malformed or exceeds a limit.</exception>
    public static FilterExpression Parse(string filter, FilterOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(filter);
        options ??= FilterOptions.Default;
        CheckLimits(filter, options, ScimErrorType.InvalidFilter, "filter");

        // The hand-written reader handles every valid filter quickly; the Pidgin grammar (the same
        // language) runs only when it declines, to parse what it would not or to explain the error.
        if (FastFilterParser.TryParseFilter(filter, lenient: !options.Strict) is { } fast)
        {
            CheckComparisons(fast, options, ScimErrorType.InvalidFilter, "filter");
            return fast;
        }

        var grammar = options.Strict ? FilterGrammar.Strict : FilterGrammar.Lenient;
        var result = grammar.Filter.Parse(filter);
        if (!result.Success)
        {
            throw ScimException.BadRequest(ScimErrorType.InvalidFilter, "Invalid filter: " + FilterGrammar.Describe(result.Error!, filter) + ".");
        }

        CheckComparisons(result.Value, options, ScimErrorType.InvalidFilter, "filter");
        return result.Value;
    }

    /// <summary>Parses a PATCH path such as <c>members[value eq "2819c223"]</c> or <c>emails[type eq "work"].value</c>.</summary>
    /// <param name="path">The path text.</param>
    /// <param name="options">Mode and limits; <see langword="null"/> for the defaults.</param>
    /// <returns>The path.</returns>
    /// <exception cref="ScimException">400 <c>invalidPath</c>: the path is malformed or exceeds a limit.</exception>
    internal static PatchPath ParsePatchPath(string path, FilterOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        options ??= FilterOptions.Default;
        CheckLimits(path, options, ScimErrorType.InvalidPath, "path");
        if (FastFilterParser.TryParsePatchPath(path, lenient: !options.Strict) is { } fast)
        {
            if (fast.ValueFilter is { } fastFilter)
            {
                CheckComparisons(fastFilter, options, ScimErrorType.InvalidPath, "path");
            }

            return fast;
        }

        var grammar = options.Strict ? FilterGrammar.Strict : FilterGrammar.Lenient;
        var result = grammar.PatchPath.Parse(path);
        if (!result.Success)
        {
            throw ScimException.BadRequest(ScimErrorType.InvalidPath, "Invalid path: " + FilterGrammar.Describe(result.Error!, path) + ".");
        }

        if (result.Value.ValueFilter is { } filter)
        {
            CheckComparisons(filter, options, ScimErrorType.InvalidPath, "path");
        }

        return result.Value;
    }

    /// <summary>Parses with the Pidgin grammar only (no fast path); for tests that hold the two readers to one language.</summary>
    internal static (FilterExpression? Filter, string? Error) ParseWithGrammar(string filter, bool strict)
    {
        var result = (strict ? FilterGrammar.Strict : FilterGrammar.Lenient).Filter.Parse(filter);
        return result.Success ? (result.Value, null) : (null, FilterGrammar.Describe(result.Error!, filter));
    }

    /// <summary>Parses a PATCH path with the Pidgin grammar only; see <see cref="ParseWithGrammar"/>.</summary>
    internal static (PatchPath? Path, string? Error) ParsePatchPathWithGrammar(string path, bool strict)
    {
        var result = (strict ? FilterGrammar.Strict : FilterGrammar.Lenient).PatchPath.Parse(path);
        return result.Success ? (result.Value, null) : (null, FilterGrammar.Describe(result.Error!, path));
    }

    /// <summary>Checks length and nesting before parsing, so no input can drive the parser's recursion too deep.</summary>
    private static void CheckLimits(string text, FilterOptions options, string scimType, string what)
    {
        if (text.Length > options.MaxLength)
        {
            throw ScimException.BadRequest(scimType, $"The {what} is {text.Length} characters long; the limit is {options.MaxLength}.");
        }

        // Jumps from one quote or bracket to the next: the rest of the text cannot nest.
        var depth = 0;
        var span = text.AsSpan();
        var i = 0;
        while (i < span.Length)
        {
            var next = span[i..].IndexOfAny(Structural);
            if (next < 0)
            {
                return;
            }

            i += next;
            switch (span[i])
            {
                case '"':
                    // Skip the string, whose escapes hide the character after them (an unterminated
                    // string is the parser's to report).
                    for (i++; i < span.Length;)
                    {
                        var end = span[i..].IndexOfAny('"', '\\');
                        if (end < 0)
                        {
                            return;
                        }

                        i += end;
                        if (span[i] == '"')
                        {
                            i++;
                            break;
                        }

                        i += 2;
                    }

                    break;
                case '(' or '[':
                    if (++depth > options.MaxDepth)
                    {
                        throw ScimException.BadRequest(scimType, $"The {what} nests parentheses or brackets deeper than {options.MaxDepth} levels (at column {i + 1}).");
                    }

                    i++;
                    break;
                default: // ')' or ']'
                    depth = Math.Max(0, depth - 1);
                    i++;
                    break;
            }
        }
    }

    private static void CheckComparisons(FilterExpression filter, FilterOptions options, string scimType, string what)
    {
        if (filter is ComparisonFilter or PresentFilter && options.MaxComparisons >= 1)
        {
            CheckText(filter, scimType, what);
            return; // a single comparison, the usual lookup: nothing to walk
        }

        // Iterative: a long and/or chain is a deep left-leaning tree.
        var count = 0;
        var pending = new Stack<FilterExpression>();
        pending.Push(filter);
        while (pending.TryPop(out var node))
        {
            switch (node)
            {
                case ComparisonFilter or PresentFilter:
                    CheckText(node, scimType, what);
                    count++;
                    break;
                case AndFilter and:
                    pending.Push(and.Left);
                    pending.Push(and.Right);
                    break;
                case OrFilter or:
                    pending.Push(or.Left);
                    pending.Push(or.Right);
                    break;
                case NotFilter not:
                    pending.Push(not.Inner);
                    break;
                case ValuePathFilter valuePath:
                    pending.Push(valuePath.Filter);
                    break;
            }
        }

        if (count > options.MaxComparisons)
        {
            throw ScimException.BadRequest(scimType, $"The {what} has {count} comparisons; the limit is {options.MaxComparisons}.");
        }
    }

    /// <summary>Refuses a string no attribute can hold (a NUL, a lone surrogate: see <see cref="Serialization.StoredText"/>), which a filter's escapes can write.</summary>
    private static void CheckText(FilterExpression comparison, string scimType, string what)
    {
        if (comparison is ComparisonFilter { Value: StringValue { Value: var text } } && !Serialization.StoredText.IsAccepted(text))
        {
            throw ScimException.BadRequest(scimType, $"The {what} compares with a string that has a NUL character or a lone surrogate, which no attribute holds.");
        }
    }
}
