using System.Text.Json.Nodes;

namespace Scim.Core.Tests.Serialization;

/// <summary>
/// Compares JSON documents as trees: the order of an object's properties does not matter, the
/// order of array items does, and names are compared exactly (case included). The verdict is
/// <see cref="JsonNode.DeepEquals"/>; the walk only finds the first difference for the message.
/// </summary>
internal static class JsonTree
{
    public static JsonObject Parse(string json) =>
        JsonNode.Parse(json) as JsonObject ?? throw new ArgumentException("The JSON is not an object.", nameof(json));

    public static void Equal(JsonNode expected, JsonNode actual)
    {
        if (JsonNode.DeepEquals(expected, actual))
        {
            return;
        }

        Assert.Fail(
            $"The JSON trees differ at {FirstDifference(expected, actual, "$")}."
            + $"{Environment.NewLine}Expected: {expected.ToJsonString()}"
            + $"{Environment.NewLine}Actual:   {actual.ToJsonString()}");
    }

    /// <summary>The path of the first difference, with what differs; <see langword="null"/> when the trees are equal.</summary>
    public static string? FirstDifference(JsonNode? expected, JsonNode? actual, string path)
    {
        if (expected is JsonObject expectedObject && actual is JsonObject actualObject)
        {
            foreach (var (name, value) in expectedObject)
            {
                if (!actualObject.TryGetPropertyValue(name, out var other))
                {
                    return $"{path}.{name} (missing)";
                }

                if (FirstDifference(value, other, $"{path}.{name}") is { } difference)
                {
                    return difference;
                }
            }

            foreach (var (name, _) in actualObject)
            {
                if (!expectedObject.ContainsKey(name))
                {
                    return $"{path}.{name} (unexpected)";
                }
            }

            return null;
        }

        if (expected is JsonArray expectedArray && actual is JsonArray actualArray)
        {
            if (expectedArray.Count != actualArray.Count)
            {
                return $"{path} (expected {expectedArray.Count} items, got {actualArray.Count})";
            }

            for (var i = 0; i < expectedArray.Count; i++)
            {
                if (FirstDifference(expectedArray[i], actualArray[i], $"{path}[{i}]") is { } difference)
                {
                    return difference;
                }
            }

            return null;
        }

        return JsonNode.DeepEquals(expected, actual)
            ? null
            : $"{path} (expected {expected?.ToJsonString() ?? "null"}, got {actual?.ToJsonString() ?? "null"})";
    }
}
