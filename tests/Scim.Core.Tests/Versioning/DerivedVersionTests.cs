using Scim.Core.Resources;
using Scim.Core.Versioning;

namespace Scim.Core.Tests.Versioning;

/// <summary>
/// The version of a response with derived values: the stored version, a dot and sixteen hex digits
/// of the values' digest; a <c>groups</c> entry's digest follows its texts, though it is made once.
/// </summary>
public sealed class DerivedVersionTests
{
    [Theory]
    [InlineData("W/\"3f2a\"", 0x1UL, "W/\"3f2a.0000000000000001\"")]
    [InlineData("W/\"3f2a\"", 0xFEDCBA9876543210UL, "W/\"3f2a.fedcba9876543210\"")]
    [InlineData("W/\"3f2a\"", 0UL, "W/\"3f2a.0000000000000000\"")]
    [InlineData("v7", 0x0A0B0C0D0E0F1011UL, "v7.0a0b0c0d0e0f1011")]
    public void WithDerivedWritesSixteenLowercaseDigits(string stored, ulong digest, string expected) =>
        Assert.Equal(expected, ResourceVersion.WithDerived(stored, digest));

    [Fact]
    public void WithDerivedIsRecognisedAsNamingTheStoredVersion()
    {
        var version = ResourceVersion.WithDerived("W/\"3f2a\"", 0xFEDCBA9876543210UL);
        Assert.True(ResourceVersion.MayNameDerived(version, "W/\"3f2a\""));
        Assert.False(ResourceVersion.MayNameDerived(version, "W/\"3f2b\""));
    }

    [Fact]
    public void AGroupEntrysDigestFollowsItsTexts()
    {
        var entry = new UserGroup { Value = "g1", Type = "direct", Display = "Sales" };
        entry.KeepDigest(); // as the entry a page's users share
        var first = entry.Digest();
        Assert.Equal(first, entry.Digest());
        Assert.Equal(first, new UserGroup { Value = "g1", Type = "direct", Display = "Sales" }.Digest());

        entry.Display = "Marketing";
        var renamed = entry.Digest();
        Assert.NotEqual(first, renamed);
        Assert.Equal(renamed, new UserGroup { Value = "g1", Type = "direct", Display = "Marketing" }.Digest());

        entry.Type = "indirect";
        Assert.NotEqual(renamed, entry.Digest());

        entry.Type = "direct";
        entry.Display = string.Concat("Sal", "es"); // equal text, another instance
        Assert.Equal(first, entry.Digest());
    }

    [Fact]
    public void FieldsDoNotRunTogether() =>
        Assert.NotEqual(
            new UserGroup { Value = "ab", Type = "c" }.Digest(),
            new UserGroup { Value = "a", Type = "bc" }.Digest());
}
