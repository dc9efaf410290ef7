namespace Scim.EntityFrameworkCore.Tests.OwnedTables;

/// <summary>
/// Reading back the text a user's GET aggregates its groups into (<see cref="ScimMembership.GroupsOf"/>):
/// the cases a database rarely produces through SCIM, which the HTTP tests cannot reach.
/// </summary>
public sealed class AggregatedGroupsTextTests
{
    [Fact]
    public void NoText_IsNoGroup()
    {
        Assert.Empty(ScimMembership.GroupsOf(null));
        Assert.Empty(ScimMembership.GroupsOf(string.Empty));
    }

    [Fact]
    public void EmptyEntries_AGroupOfAnotherTenant_AreLeftOut()
    {
        // A membership row naming a group of another tenant reads as an empty entry.
        Assert.Equal([("g1", "One"), ("g2", "Two")], ScimMembership.GroupsOf("\u001eg1\u001fOne\u001e\u001eg2\u001fTwo\u001e"));
    }

    [Fact]
    public void AGroupWithoutAName_HasNone_AndAnEmptyNameStaysEmpty()
    {
        Assert.Equal([("g1", (string?)null), ("g2", string.Empty)], ScimMembership.GroupsOf("g1\u001eg2\u001f"));
    }

    [Fact]
    public void Escapes_AreReadBack_InTheIdAndTheName()
    {
        Assert.Equal([("a\\b\u001ec", "d\u001fe\\")], ScimMembership.GroupsOf("a\\\\b\\rc\u001fd\\ue\\\\"));
    }
}
