using System.Text.Json;
using Scim.Core.Errors;
using Scim.Core.Schema;
using Scim.Core.Serialization;

namespace Scim.Core.Patching;

// Reading needs no resource: the service reads the message before it loads one, so a malformed request fails first.
internal sealed partial class ScimPatcher
{
    /// <summary>Reads a PatchOp message (<c>{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[...]}</c>).</summary>
    /// <param name="utf8Json">The request body.</param>
    /// <returns>The request.</returns>
    /// <exception cref="ScimException">400 <c>invalidSyntax</c> / <c>invalidValue</c> / <c>tooMany</c>, naming the operation.</exception>
    public PatchRequest ReadRequest(ReadOnlyMemory<byte> utf8Json)
    {
        // Names are compared case-insensitively (the message's keys under the dialects, attribute
        // names always), so duplicates are found here rather than by the parser, which compares exactly.
        using var document = JsonInput.Parse(utf8Json, ReadingOptions.MaxDepth, allowDuplicates: true);
        RefuseDuplicates(document.RootElement);

        // One standalone copy of the message; every operation's value points into it.
        DialectUse.Begin();
        var request = ReadRequest(document.RootElement.Clone());
        return request with { Dialects = DialectUse.End() };
    }

    private PatchRequest ReadRequest(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw Syntax("The request body must be a PatchOp message (a JSON object).");
        }

        var comparison = MessageComparison;
        JsonElement? schemas = null, operations = null;
        foreach (var property in root.EnumerateObject())
        {
            if (string.Equals(property.Name, "schemas", comparison))
            {
                schemas = property.Value;
                NoteCasing(property.Name, "schemas");
            }
            else if (string.Equals(property.Name, "Operations", comparison))
            {
                operations = property.Value;
                NoteCasing(property.Name, "Operations");
            }
        }

        if (schemas is not { ValueKind: JsonValueKind.Array } list
            || !list.EnumerateArray().Any(s => s.ValueKind == JsonValueKind.String && string.Equals(s.GetString(), ScimSchemaUris.PatchOp, comparison)))
        {
            throw Syntax($"A PATCH request must list \"{ScimSchemaUris.PatchOp}\" in 'schemas'.");
        }

        if (!list.EnumerateArray().Any(s => s.ValueKind == JsonValueKind.String && string.Equals(s.GetString(), ScimSchemaUris.PatchOp, StringComparison.Ordinal)))
        {
            DialectUse.Note(PatchDialects.MessageCasing);
        }

        if (operations is not { ValueKind: JsonValueKind.Array } array || array.GetArrayLength() == 0)
        {
            throw Syntax("A PATCH request needs an 'Operations' array with at least one operation.");
        }

        if (array.GetArrayLength() > Options.MaxOperations)
        {
            throw ScimException.BadRequest(ScimErrorType.TooMany, $"The PATCH request has {array.GetArrayLength()} operations; the limit is {Options.MaxOperations}.");
        }

        var result = new List<PatchOperation>(array.GetArrayLength());
        var index = 0;
        foreach (var item in array.EnumerateArray())
        {
            result.Add(ReadOperation(item, index++));
        }

        return new PatchRequest(result);
    }

    private PatchOperation ReadOperation(JsonElement item, int index)
    {
        if (item.ValueKind != JsonValueKind.Object)
        {
            throw Syntax($"Operations[{index}] must be a JSON object.");
        }

        string? op = null, path = null, unknown = null;
        JsonElement? value = null;
        foreach (var property in item.EnumerateObject())
        {
            var name = property.Name;
            if (string.Equals(name, "op", StringComparison.OrdinalIgnoreCase))
            {
                op = property.Value.ValueKind == JsonValueKind.String
                    ? property.Value.GetString()
                    : throw Syntax($"Operations[{index}].op must be a string.");
            }
            else if (string.Equals(name, "path", StringComparison.OrdinalIgnoreCase))
            {
                path = property.Value.ValueKind switch
                {
                    JsonValueKind.String => property.Value.GetString(),
                    JsonValueKind.Null => path,
                    _ => throw ScimException.BadRequest(ScimErrorType.InvalidPath, $"Operations[{index}].path must be a string."),
                };
            }
            else if (string.Equals(name, "value", StringComparison.OrdinalIgnoreCase))
            {
                value = property.Value;
            }
            else
            {
                unknown ??= name;
            }
        }

        var comparison = OperationNameComparison;
        PatchOperationType type = op switch
        {
            _ when string.Equals(op, "add", comparison) => PatchOperationType.Add,
            _ when string.Equals(op, "remove", comparison) => PatchOperationType.Remove,
            _ when string.Equals(op, "replace", comparison) => PatchOperationType.Replace,
            null => throw Syntax($"Operations[{index}] has no 'op'."),
            _ => throw Syntax($"Operations[{index}].op is '{op}'; expected 'add', 'remove' or 'replace'."),
        };
        if (op is not ("add" or "remove" or "replace"))
        {
            DialectUse.Note(PatchDialects.OperationNameAnyCase);
        }

        if (unknown is not null)
        {
            // A misspelt member would otherwise change the operation's meaning ("paht" makes a
            // replace of one attribute a replace without a path).
            throw Syntax($"Operations[{index}] has a member '{unknown}'; an operation has 'op', 'path' and 'value' only.");
        }

        if (type != PatchOperationType.Remove && value is null)
        {
            throw ScimException.BadRequest(ScimErrorType.InvalidValue, $"Operations[{index}] ({op}) needs a 'value'.");
        }

        if (type == PatchOperationType.Remove && string.IsNullOrEmpty(path))
        {
            // RFC 7644 §3.5.2.2: a remove without a path has no target.
            throw ScimException.BadRequest(ScimErrorType.NoTarget, $"Operations[{index}] (remove) needs a 'path'.");
        }

        return new PatchOperation(type, string.IsNullOrEmpty(path) ? null : path, value);
    }

    /// <summary>
    /// Refuses an object anywhere in the message (the message, an operation, a value) that names a
    /// member twice, in any casing: which one would count is not defined (RFC 8259 §4), and taking
    /// the last, as a reader would, could turn a <c>replace</c> into a <c>remove</c>.
    /// </summary>
    private static void RefuseDuplicates(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                HashSet<string>? seen = null;
                string? first = null;
                foreach (var property in element.EnumerateObject())
                {
                    if (first is null)
                    {
                        first = property.Name;
                    }
                    else
                    {
                        seen ??= new HashSet<string>(StringComparer.OrdinalIgnoreCase) { first };
                        if (!seen.Add(property.Name))
                        {
                            throw Syntax($"'{property.Name}' appears more than once in one object of the PATCH request (names are case-insensitive).");
                        }
                    }

                    RefuseDuplicates(property.Value);
                }

                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    RefuseDuplicates(item);
                }

                break;
        }
    }

    /// <summary>A message key matched only in another casing (<see cref="PatchDialects.MessageCasing"/>).</summary>
    private static void NoteCasing(string sent, string expected)
    {
        if (!string.Equals(sent, expected, StringComparison.Ordinal))
        {
            DialectUse.Note(PatchDialects.MessageCasing);
        }
    }

    private static ScimException Syntax(string detail) => ScimException.BadRequest(ScimErrorType.InvalidSyntax, detail);
}
