using System.Text.RegularExpressions;
using Scim.Core.Errors;
using Scim.Core.Filtering;

namespace Scim.Core.Tests.Filtering;

/// <summary>
/// The assertions every parser test is written with: a text parses to an exact tree (and that tree
/// prints as text that parses back to it), or a text fails with a 400 naming the exact column.
/// </summary>
internal static class FilterAssert
{
    /// <summary>Strict mode with the default limits.</summary>
    public static FilterOptions Strict => new() { Strict = true };

    /// <summary>Lenient mode with limits far above anything a test generates.</summary>
    public static FilterOptions Roomy => new() { MaxLength = 1_000_000, MaxDepth = 64, MaxComparisons = 100_000 };

    /// <summary>Strict mode with the limits of <see cref="Roomy"/>.</summary>
    public static FilterOptions StrictRoomy => new() { Strict = true, MaxLength = 1_000_000, MaxDepth = 64, MaxComparisons = 100_000 };

    public static void Parses(string text, FilterExpression expected, FilterOptions? options = null)
    {
        var actual = ScimFilterParser.Parse(text, options);

        Assert.Equal(expected, actual);
        RoundTrips(actual);
    }

    /// <summary>The printed tree parses back to an equal tree, in both modes, and printing is idempotent.</summary>
    public static void RoundTrips(FilterExpression filter)
    {
        var printed = filter.ToString();

        Assert.Equal(filter, ScimFilterParser.Parse(printed, Roomy));
        Assert.Equal(filter, ScimFilterParser.Parse(printed, StrictRoomy));
        Assert.Equal(printed, ScimFilterParser.Parse(printed, Roomy).ToString());
    }

    public static void PathParses(string text, PatchPath expected, FilterOptions? options = null)
    {
        var actual = ScimFilterParser.ParsePatchPath(text, options);

        Assert.Equal(expected, actual);
        PathRoundTrips(actual);
    }

    public static void PathRoundTrips(PatchPath path)
    {
        var printed = path.ToString();

        Assert.Equal(path, ScimFilterParser.ParsePatchPath(printed, Roomy));
        Assert.Equal(printed, ScimFilterParser.ParsePatchPath(printed, Roomy).ToString());
    }

    /// <summary>Parsing fails with 400 <c>invalidFilter</c> at <paramref name="column"/>, and the detail contains <paramref name="fragment"/>.</summary>
    public static ScimException Fails(string text, int? column, string fragment, FilterOptions? options = null)
    {
        var error = Assert.Throws<ScimException>(() => ScimFilterParser.Parse(text, options));
        IsBadRequest(error, ScimErrorType.InvalidFilter, column, fragment);
        return error;
    }

    /// <summary>Parsing the PATCH path fails with 400 <c>invalidPath</c> at <paramref name="column"/>, and the detail contains <paramref name="fragment"/>.</summary>
    public static ScimException PathFails(string text, int? column, string fragment, FilterOptions? options = null)
    {
        var error = Assert.Throws<ScimException>(() => ScimFilterParser.ParsePatchPath(text, options));
        IsBadRequest(error, ScimErrorType.InvalidPath, column, fragment);
        return error;
    }

    public static void IsBadRequest(ScimException error, string scimType, int? column, string fragment)
    {
        Assert.Equal(400, error.Status);
        Assert.Equal(scimType, error.ScimType);
        Assert.Equal(error.Detail, error.Message);
        Assert.True(
            error.Detail.Contains(fragment, StringComparison.Ordinal),
            $"Expected the detail to contain <{fragment}>; it is <{error.Detail}>.");
        if (column is { } expectedColumn)
        {
            // "column 1" must not match "column 12".
            Assert.True(
                Regex.IsMatch(error.Detail, $@"\bcolumn {expectedColumn}\b"),
                $"Expected the detail to name column {expectedColumn}; it is <{error.Detail}>.");
        }
    }
}
