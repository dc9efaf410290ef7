namespace Scim.Core.Tests.Serialization;

/// <summary>The round-trip tests are only as strict as <see cref="JsonTree"/>; these pin what it treats as equal.</summary>
public sealed class JsonTreeTests
{
    [Fact]
    public void FirstDifference_PropertyOrderDiffers_IsNull()
    {
        var expected = JsonTree.Parse("""{"a":1,"b":{"c":[1,2],"d":"x"}}""");
        var actual = JsonTree.Parse("""{"b":{"d":"x","c":[1,2]},"a":1}""");

        Assert.Null(JsonTree.FirstDifference(expected, actual, "$"));
    }

    [Theory]
    [InlineData("""{"a":[2,1]}""", "$.a[0] (expected 1, got 2)")]
    [InlineData("""{"A":[1,2]}""", "$.a (missing)")]
    [InlineData("""{"a":[1,2],"b":null}""", "$.b (unexpected)")]
    [InlineData("""{"a":[1]}""", "$.a (expected 2 items, got 1)")]
    [InlineData("""{"a":["1",2]}""", "$.a[0] (expected 1, got \"1\")")]
    public void FirstDifference_TreesDiffer_NamesPath(string actual, string difference)
    {
        var expected = JsonTree.Parse("""{"a":[1,2]}""");

        Assert.Equal(difference, JsonTree.FirstDifference(expected, JsonTree.Parse(actual), "$"));
    }
}
