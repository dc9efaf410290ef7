using System.Text.Json.Nodes;
using CsCheck;
using Scim.Core.Versioning;

namespace Scim.Core.Tests.Versioning;

/// <summary>
/// Properties of <see cref="ResourceVersion.Compute(JsonObject)"/> over random small JSON objects
/// (nested objects and arrays, strings with characters JSON must escape, numbers, booleans,
/// nulls): shuffling the properties of every object keeps the version; changing any one scalar
/// leaf changes it (a 64-bit hash collision is the only way it could not, which 2^-64 makes
/// negligible).
/// </summary>
public sealed class ResourceVersionPropertyTests
{
    /// <summary>Object keys never spell "meta" (no 'm'), which Compute ignores at the top.</summary>
    private static readonly Gen<string> Key = Gen.String[Gen.Char["abcAB_$é. "], 1, 4];

    private static readonly Gen<string> Text = Gen.String[Gen.Char["ab \"\\/\né<&\u0001\u00ff"], 0, 8];

    private static readonly Gen<Model> Scalar = Gen.Select(Gen.Int[0, 4], Gen.Long, Text, (kind, number, text) => (Model)new ScalarModel(kind, number, text));

    private static readonly Gen<ObjectModel> Root = Gen.Select(Gen.Select(Key, Gen.Int, Node(2)).Array[0, 6], Scalar, Gen.Int, (properties, anchor, order) =>
        new ObjectModel([.. properties.DistinctBy(p => p.Item1, StringComparer.Ordinal), ("~anchor", order, anchor)]));

    [Fact]
    public void Compute_RandomObjectShuffled_SameVersion()
    {
        Root.Sample(
            model =>
            {
                var original = Build(model, shuffled: false, mutate: -1)!.AsObject();
                var shuffled = Build(model, shuffled: true, mutate: -1)!.AsObject();
                Assert.True(JsonNode.DeepEquals(original, shuffled));
                Assert.Equal(ResourceVersion.Compute(original), ResourceVersion.Compute(shuffled));
            },
            iter: 2_000,
            print: model => Build(model, shuffled: false, mutate: -1)!.ToJsonString());
    }

    [Fact]
    public void Compute_RandomObjectReparsed_SameVersion()
    {
        Root.Sample(
            model =>
            {
                var original = Build(model, shuffled: false, mutate: -1)!.AsObject();
                var reparsed = JsonNode.Parse(original.ToJsonString())!.AsObject();
                Assert.Equal(ResourceVersion.Compute(original), ResourceVersion.Compute(reparsed));
            },
            iter: 2_000,
            print: model => Build(model, shuffled: false, mutate: -1)!.ToJsonString());
    }

    [Fact]
    public void Compute_RandomObjectOneLeafChanged_DifferentVersion()
    {
        Gen.Select(Root, Gen.Int[0, int.MaxValue]).Sample(
            (model, pick) =>
            {
                var leaf = pick % CountScalars(model);
                var original = Build(model, shuffled: false, mutate: -1)!.AsObject();
                var changed = Build(model, shuffled: true, mutate: leaf)!.AsObject();
                Assert.False(JsonNode.DeepEquals(original, changed));
                Assert.NotEqual(ResourceVersion.Compute(original), ResourceVersion.Compute(changed));
            },
            iter: 2_000,
            print: t => $"leaf {t.Item2 % CountScalars(t.Item1)} of {Build(t.Item1, shuffled: false, mutate: -1)!.ToJsonString()}");
    }

    private static Gen<Model> Node(int depth) => depth == 0
        ? Scalar
        : Gen.Frequency(
            (4, Scalar),
            (1, Node(depth - 1).Array[0, 3].Select(items => (Model)new ArrayModel(items))),
            (1, Gen.Select(Key, Gen.Int, Node(depth - 1)).Array[0, 4].Select(properties =>
                (Model)new ObjectModel([.. properties.DistinctBy(p => p.Item1, StringComparer.Ordinal)]))));

    private static int CountScalars(Model model) => model switch
    {
        ScalarModel => 1,
        ArrayModel array => array.Items.Sum(CountScalars),
        ObjectModel obj => obj.Properties.Sum(p => CountScalars(p.Value)),
        _ => throw new ArgumentOutOfRangeException(nameof(model)),
    };

    /// <summary>Builds the JSON; with <paramref name="shuffled"/>, each object's properties in their random order; the scalar numbered <paramref name="mutate"/> (depth-first, in model order) changed.</summary>
    private static JsonNode? Build(Model model, bool shuffled, int mutate)
    {
        var counter = 0;
        return Walk(model);

        JsonNode? Walk(Model node)
        {
            switch (node)
            {
                case ScalarModel scalar:
                    return Scalar(scalar, counter++ == mutate);
                case ArrayModel array:
                    var items = new JsonArray();
                    foreach (var item in array.Items)
                    {
                        items.Add(Walk(item));
                    }

                    return items;
                case ObjectModel obj:
                    // Walk in model order so leaf numbers do not depend on the shuffle, then insert in the chosen order.
                    var values = obj.Properties.Select(p => (p.Key, p.Order, Value: Walk(p.Value))).ToList();
                    var result = new JsonObject();
                    foreach (var (key, _, value) in shuffled ? values.OrderBy(v => v.Order) : values.AsEnumerable())
                    {
                        result[key] = value;
                    }

                    return result;
                default:
                    throw new ArgumentOutOfRangeException(nameof(node));
            }
        }

        static JsonNode? Scalar(ScalarModel scalar, bool change) => (scalar.Kind, change) switch
        {
            (0, false) => null,
            (0, true) => JsonValue.Create(0L),
            (1, false) => JsonValue.Create(scalar.Number),
            (1, true) => JsonValue.Create(unchecked(scalar.Number + 1)),
            (2, false) => JsonValue.Create(scalar.Text),
            (2, true) => JsonValue.Create(scalar.Text + "x"),
            (3, _) => JsonValue.Create(!change),
            _ => JsonValue.Create(change),
        };
    }

    private abstract record Model;

    private sealed record ScalarModel(int Kind, long Number, string Text) : Model;

    private sealed record ArrayModel(Model[] Items) : Model;

    private sealed record ObjectModel((string Key, int Order, Model Value)[] Properties) : Model;
}
