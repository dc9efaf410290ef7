using Scim.Core.Projection;
using Scim.Core.Schema;
using Scim.Core.Stores;

// Not Scim.Core.Tests.Stores: a namespace of that name would hide Scim.Core.Stores from tests that write Scim.Core.Stores.ScimContext.
namespace Scim.Core.Tests.Stores;

/// <summary>What a store is told it may skip loading: the public factories, and the hints the service derives from a request's projection.</summary>
public sealed class ReadHintsTests
{
    [Theory]
    [InlineData("members")]
    [InlineData("displayName")]
    [InlineData("id")]
    [InlineData("anything")]
    public void All_IncludesEveryAttribute(string name)
    {
        Assert.True(ReadHints.All.Includes(name));
        Assert.True(ReadHints.All.IncludesMembers);
    }

    [Fact]
    public void All_IsOneInstance()
    {
        Assert.Same(ReadHints.All, ReadHints.All);
    }

    [Theory]
    [InlineData("displayName", true)]
    [InlineData("DISPLAYNAME", true)]
    [InlineData("id", true)]
    [InlineData("ID", true)]
    [InlineData("meta", true)]
    [InlineData("members", false)]
    [InlineData("externalId", false)]
    public void Only_IncludesTheNamedAttributesAndIdAndMeta(string name, bool expected)
    {
        var hints = ReadHints.Only("displayName");

        Assert.Equal(expected, hints.Includes(name));
        Assert.False(hints.IncludesMembers);
    }

    [Fact]
    public void Only_NothingNamed_StillIncludesIdAndMeta()
    {
        var hints = ReadHints.Only();

        Assert.True(hints.Includes("id"));
        Assert.True(hints.Includes("meta"));
        Assert.False(hints.Includes("displayName"));
        Assert.False(hints.IncludesMembers);
    }

    [Theory]
    [InlineData("members")]
    [InlineData("Members")]
    public void Only_Members_IncludesMembersInAnyCase(string name)
    {
        Assert.True(ReadHints.Only(name).IncludesMembers);
    }

    [Theory]
    [InlineData("members", false)]
    [InlineData("MEMBERS", false)]
    [InlineData("displayName", true)]
    [InlineData("id", true)]
    [InlineData("meta", true)]
    public void Excluding_Members_IncludesEverythingElse(string name, bool expected)
    {
        var hints = ReadHints.Excluding("members");

        Assert.Equal(expected, hints.Includes(name));
        Assert.False(hints.IncludesMembers);
    }

    [Fact]
    public void Excluding_NothingNamed_IncludesEverything()
    {
        var hints = ReadHints.Excluding();

        Assert.True(hints.IncludesMembers);
        Assert.True(hints.Includes("displayName"));
    }

    [Fact]
    public void Factories_KeepTheirOwnNames()
    {
        var first = ReadHints.Only("displayName");
        var second = ReadHints.Only("members");

        Assert.False(first.IncludesMembers);
        Assert.True(second.IncludesMembers);
        Assert.False(second.Includes("displayName"));
    }

    [Fact]
    public void Includes_Null_Throws()
    {
        Assert.Throws<ArgumentNullException>(() => ReadHints.All.Includes(null!));
        Assert.Throws<ArgumentNullException>(() => ReadHints.Only("a").Includes(null!));
        Assert.Throws<ArgumentNullException>(() => ReadHints.Excluding("a").Includes(null!));
    }

    [Theory]
    [InlineData(null, null, true)]
    [InlineData(null, "members", false)]
    [InlineData(null, "displayName", true)]
    [InlineData("displayName", null, false)]
    [InlineData("members", null, true)]
    [InlineData("members.value", null, true)]
    public void FromAGroupProjection_IncludesMembersOnlyWhenTheResponseHasThem(string? attributes, string? excluded, bool members)
    {
        var registry = SchemaRegistry.CreateDefault();
        var group = registry.FindResourceType("Group")!;

        var hints = ScimProjection.Create(registry, group, attributes, excluded).Hints;

        Assert.Equal(members, hints.IncludesMembers);
        Assert.True(hints.Includes("id"));
    }
}
