using System.Text;
using System.Text.Json.Nodes;
using CsCheck;
using Scim.Core.Errors;
using Scim.Core.Resources;
using Scim.Core.Schema;
using Scim.Core.Serialization;

namespace Scim.Core.Tests.Serialization;

/// <summary>
/// The serializer's promise: whatever bytes come in, reading returns a resource or throws a
/// <see cref="ScimException"/> with status 400 and <c>invalidSyntax</c> or <c>invalidValue</c>,
/// never anything else; and whatever it read, it can write. Inputs are random bytes and random
/// edits of the RFC 7643 §8.2 user (bytes deleted, inserted or replaced; values swapped for
/// other JSON types; properties removed). Iteration counts keep each test near a second.
/// </summary>
public sealed class ScimSerializerPropertyTests
{
    private enum EditKind
    {
        Delete,
        Insert,
        Replace,
    }

    private static readonly ScimSerializer Serializer = new(SchemaRegistry.CreateDefault());

    private static readonly byte[] FullUser = Payloads.FileBytes(Payloads.FullUserFile);

    private static readonly string FullUserText = Encoding.UTF8.GetString(FullUser);

    /// <summary>Bytes that change JSON structure, mixed with any byte at all (invalid UTF-8 included).</summary>
    private static readonly Gen<byte> EditByte = Gen.Frequency(
        (3, Gen.OneOf("{}[]\":,\\ 0.e-tfnu\n"u8.ToArray())),
        (1, Gen.Byte));

    /// <summary>Values of every JSON type, including ones the reader treats specially.</summary>
    private static readonly string[] Replacements =
    [
        "\"x\"", "\"\"", "\"true\"", "\"2010-01-23T04:56:22Z\"", "\"TWFu\"", "\"not base64!\"",
        "0", "-1.5", "1e400", "9223372036854775808", "true", "false", "null",
        "[]", "[null]", "[\"x\"]", "[[]]", "[{}]", "{}", "{\"value\":1}", "{\"VALUE\":\"x\",\"value\":\"y\"}",
    ];

    [Fact]
    public void ReadUser_RandomBytes_ReturnsUserOrThrows400()
    {
        Gen.Byte.Array[0, 300].Sample(ReadsOrThrows400, iter: 5_000, print: Show);
    }

    [Fact]
    public void ReadUser_ByteEditsOfRfcUser_ReturnsUserOrThrows400()
    {
        var edit = Gen.Select(Gen.OneOf(Enum.GetValues<EditKind>()), Gen.Int[0, FullUser.Length], EditByte, (kind, position, value) => (kind, position, value));

        edit.Array[1, 4].Sample(
            edits => ReadsOrThrows400(ApplyByteEdits(edits)),
            iter: 1_500,
            print: edits => string.Join("; ", edits.Select(e => $"{e.kind} @{e.position} 0x{e.value:X2}")));
    }

    [Fact]
    public void ReadUser_TypeSwapsInRfcUser_ReturnsUserOrThrows400()
    {
        // Each swap: which value (an index into the tree's values, in document order), and what it
        // becomes (an index into Replacements, or one past the end to remove it).
        var swap = Gen.Select(Gen.Int[0, 10_000], Gen.Int[0, Replacements.Length], (node, replacement) => (node, replacement));

        swap.Array[1, 3].Sample(
            swaps => ReadsOrThrows400(Encoding.UTF8.GetBytes(ApplySwaps(swaps))),
            iter: 1_000,
            print: ApplySwaps);
    }

    private static void ReadsOrThrows400(byte[] body)
    {
        User user;
        try
        {
            user = Serializer.ReadUser(body);
        }
        catch (ScimException ex)
        {
            Assert.Equal(400, ex.Status);
            Assert.Contains(ex.ScimType, new[] { ScimErrorType.InvalidSyntax, ScimErrorType.InvalidValue });
            return;
        }

        Assert.NotNull(user.UserName);
        Assert.NotEmpty(ScimSerializer.Serialize(user));
    }

    private static byte[] ApplyByteEdits((EditKind Kind, int Position, byte Value)[] edits)
    {
        var bytes = new List<byte>(FullUser);
        foreach (var (kind, position, value) in edits)
        {
            var at = Math.Min(position, bytes.Count);
            switch (kind)
            {
                case EditKind.Insert:
                    bytes.Insert(at, value);
                    break;
                case EditKind.Delete when at < bytes.Count:
                    bytes.RemoveAt(at);
                    break;
                case EditKind.Replace when at < bytes.Count:
                    bytes[at] = value;
                    break;
            }
        }

        return [.. bytes];
    }

    private static string ApplySwaps((int Node, int Replacement)[] swaps)
    {
        var root = JsonTree.Parse(FullUserText);
        foreach (var (node, replacement) in swaps)
        {
            var values = Descendants(root).ToList();
            var target = values[node % values.Count];
            if (replacement < Replacements.Length)
            {
                target.ReplaceWith(JsonNode.Parse(Replacements[replacement]));
            }
            else if (target.Parent is JsonObject parent)
            {
                parent.Remove(target.GetPropertyName());
            }
            else if (target.Parent is JsonArray array)
            {
                array.RemoveAt(target.GetElementIndex());
            }
        }

        return root.ToJsonString();
    }

    private static IEnumerable<JsonNode> Descendants(JsonNode node)
    {
        IEnumerable<JsonNode?> children = node switch
        {
            JsonObject obj => obj.Select(p => p.Value),
            JsonArray array => array,
            _ => [],
        };

        foreach (var child in children.OfType<JsonNode>())
        {
            yield return child;
            foreach (var descendant in Descendants(child))
            {
                yield return descendant;
            }
        }
    }

    /// <summary>Printable ASCII as is, every other byte as \xNN.</summary>
    private static string Show(byte[] bytes) =>
        string.Concat(bytes.Select(b => b is >= 0x20 and < 0x7F ? ((char)b).ToString() : $"\\x{b:X2}"));
}
