using Scim.Core.Versioning;

namespace Scim.Core.Tests.Versioning;

/// <summary>
/// Conditional requests (RFC 7644 §3.14, RFC 7232 §3.1–3.2): <c>If-Match</c> passes with no
/// header, <c>*</c> or a list holding the current version; <c>If-None-Match</c> passes unless the
/// list holds it (or is <c>*</c>). Tags are compared weakly: <c>W/"a"</c> matches <c>"a"</c>.
/// </summary>
public sealed class ResourceVersionPreconditionTests
{
    private const string Current = "W/\"3f2a9c0d41b7e685\"";

    /// <summary>If-Match headers and whether each matches <see cref="Current"/> (so the write may go ahead).</summary>
    public static TheoryData<string?, bool> IfMatchCases => new()
    {
        { null, true },
        { "", true },
        { "   ", true },
        { "*", true },
        { " * ", true },
        { Current, true },
        { $"  {Current}  ", true },
        { "\"3f2a9c0d41b7e685\"", true },
        { "W/\"a\", W/\"3f2a9c0d41b7e685\"", true },
        { "W/\"3f2a9c0d41b7e685\", W/\"b\"", true },
        { "\"a\",\"3f2a9c0d41b7e685\"", true },
        { "W/\"a\", *", true },
        { "W/\"0000000000000000\"", false },
        { "\"0000000000000000\"", false },
        { "W/\"a\", W/\"b\"", false },
        { "W/\"3F2A9C0D41B7E685\"", false },
        { "W/\"3f2a9c0d41b7e68\"", false },
        { "W/\"3f2a9c0d41b7e685 \"", false },
        { "W/\"\"", false },
    };

    /// <summary>WeakEquals pairs and the expected answer.</summary>
    public static TheoryData<string, string, bool> WeakEqualsCases => new()
    {
        { "W/\"a\"", "W/\"a\"", true },
        { "W/\"a\"", "\"a\"", true },
        { "\"a\"", "W/\"a\"", true },
        { "\"a\"", "\"a\"", true },
        { " W/\"a\" ", "\"a\"", true },
        { Current, "\"3f2a9c0d41b7e685\"", true },
        { "W/\"a\"", "W/\"b\"", false },
        { "W/\"a\"", "\"A\"", false },
        { "W/\"a\"", "W/\"ab\"", false },
        { "\"a\"", "\"\"", false },
        { "W/\"\"", "\"\"", true },
    };

    [Theory]
    [MemberData(nameof(IfMatchCases))]
    public void SatisfiesIfMatch_Header_MatchesExpected(string? ifMatch, bool expected)
    {
        Assert.Equal(expected, ResourceVersion.SatisfiesIfMatch(ifMatch, Current));
    }

    [Theory]
    [MemberData(nameof(IfMatchCases))]
    public void SatisfiesIfNoneMatch_Header_InverseOfIfMatchExceptWhenAbsent(string? ifNoneMatch, bool ifMatchResult)
    {
        var absent = string.IsNullOrWhiteSpace(ifNoneMatch);

        var actual = ResourceVersion.SatisfiesIfNoneMatch(ifNoneMatch, Current);

        Assert.Equal(absent || !ifMatchResult, actual);
    }

    [Theory]
    [InlineData(null, true)]
    [InlineData("", true)]
    [InlineData(" ", true)]
    [InlineData("*", false)]
    [InlineData(Current, false)]
    [InlineData("\"3f2a9c0d41b7e685\"", false)]
    [InlineData("W/\"x\", W/\"3f2a9c0d41b7e685\"", false)]
    [InlineData("W/\"0000000000000000\"", true)]
    [InlineData("W/\"x\", \"y\"", true)]
    public void SatisfiesIfNoneMatch_Header_MatchesExpected(string? ifNoneMatch, bool expected)
    {
        Assert.Equal(expected, ResourceVersion.SatisfiesIfNoneMatch(ifNoneMatch, Current));
    }

    [Theory]
    [MemberData(nameof(WeakEqualsCases))]
    public void WeakEquals_Pair_MatchesExpected(string left, string right, bool expected)
    {
        Assert.Equal(expected, ResourceVersion.WeakEquals(left, right));
        Assert.Equal(expected, ResourceVersion.WeakEquals(right, left));
    }

    [Fact]
    public void SatisfiesIfMatch_AServiceVersion_MatchesItselfOnly()
    {
        const string version = "W/\"3f2a9c0d41b7e685\"";
        const string other = "W/\"3f2a9c0d41b7e686\"";

        Assert.True(ResourceVersion.SatisfiesIfMatch(version, version));
        Assert.False(ResourceVersion.SatisfiesIfMatch(other, version));
        Assert.False(ResourceVersion.SatisfiesIfNoneMatch(version, version));
        Assert.True(ResourceVersion.SatisfiesIfNoneMatch(other, version));
    }

    [Fact]
    public void SatisfiesIfMatch_NullCurrentVersion_ThrowsArgumentNull()
    {
        Assert.Throws<ArgumentNullException>(() => ResourceVersion.SatisfiesIfMatch("*", null!));
    }

    [Fact]
    public void SatisfiesIfNoneMatch_NullCurrentVersion_ThrowsArgumentNull()
    {
        Assert.Throws<ArgumentNullException>(() => ResourceVersion.SatisfiesIfNoneMatch("*", null!));
    }

    [Fact]
    public void WeakEquals_NullTag_ThrowsArgumentNull()
    {
        Assert.Throws<ArgumentNullException>(() => ResourceVersion.WeakEquals(null!, Current));
        Assert.Throws<ArgumentNullException>(() => ResourceVersion.WeakEquals(Current, null!));
    }
}
