using System.Text.Json;
using System.Text.Json.Nodes;
using Scim.Core.Errors;
using Scim.Core.Provisioning;
using Scim.Core.Schema;
using Scim.Core.Serialization;

namespace Scim.Core.Bulk;

/// <summary>
/// Reads a BulkRequest (RFC 7644 §3.7) the way every body is read (<see cref="JsonInput"/>): a
/// member given twice, invalid UTF-8 or a lone surrogate is a 400 for the whole request; a bad
/// operation fails on its own, in the response, and the others still run.
/// </summary>
internal static class BulkRequestReader
{
    public const string BulkIdPrefix = "bulkId:";

    // A BulkRequest nests a resource (at most 4 levels) two levels down.
    private const int ExtraDepth = 4;

    public static (int? FailOnErrors, List<BulkOperation> Operations) Read(ReadOnlyMemory<byte> body, ScimService service)
    {
        using var document = JsonInput.Parse(body, service.Options.Reading.MaxDepth + ExtraDepth);
        return Read(document.RootElement, service);
    }

    private static (int? FailOnErrors, List<BulkOperation> Operations) Read(JsonElement request, ScimService service)
    {
        if (request.ValueKind != JsonValueKind.Object)
        {
            throw ScimException.BadRequest(ScimErrorType.InvalidSyntax, "A BulkRequest is a JSON object.");
        }

        var schemas = Find(request, "schemas");
        if (schemas is not { ValueKind: JsonValueKind.Array } list
            || !list.EnumerateArray().Any(s => s.ValueKind == JsonValueKind.String && string.Equals(s.GetString(), ScimSchemaUris.BulkRequest, StringComparison.OrdinalIgnoreCase)))
        {
            throw ScimException.BadRequest(ScimErrorType.InvalidSyntax, $"A BulkRequest lists '{ScimSchemaUris.BulkRequest}' in 'schemas'.");
        }

        int? failOnErrors = null;
        if (Find(request, "failOnErrors") is { } limit)
        {
            failOnErrors = limit.ValueKind == JsonValueKind.Number && limit.TryGetInt32(out var number) && number >= 1
                ? number
                : throw ScimException.BadRequest(ScimErrorType.InvalidValue, "'failOnErrors' must be a positive integer.");
        }

        if (Find(request, "Operations") is not { ValueKind: JsonValueKind.Array } array)
        {
            throw ScimException.BadRequest(ScimErrorType.InvalidSyntax, "A BulkRequest has an 'Operations' array.");
        }

        var maxOperations = service.Options.Bulk.MaxOperations;
        if (array.GetArrayLength() > maxOperations)
        {
            throw new ScimException(413, null, $"The request has {array.GetArrayLength()} operations; maxOperations is {maxOperations}.");
        }

        var operations = new List<BulkOperation>(array.GetArrayLength());
        var bulkIds = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in array.EnumerateArray())
        {
            var operation = ReadOperation(item, operations.Count, service);
            if (operation.BulkId is not null && !bulkIds.Add(operation.BulkId))
            {
                operation.Error ??= ScimException.BadRequest(ScimErrorType.InvalidValue, $"bulkId '{operation.BulkId}' is used by more than one operation.");
            }

            operations.Add(operation);
        }

        return (failOnErrors, operations);
    }

    private static BulkOperation ReadOperation(JsonElement item, int index, ScimService service)
    {
        var operation = new BulkOperation(index);
        try
        {
            Read(item, operation, service);
        }
        catch (ScimException error)
        {
            operation.Error = error;
        }

        return operation;
    }

    private static void Read(JsonElement item, BulkOperation operation, ScimService service)
    {
        if (item.ValueKind != JsonValueKind.Object)
        {
            operation.Error = ScimException.BadRequest(ScimErrorType.InvalidSyntax, "Each operation is a JSON object.");
            return;
        }

        var method = Text(item, "method");
        operation.Method = (method ?? string.Empty).ToUpperInvariant();
        operation.BulkId = Text(item, "bulkId");
        operation.Version = Text(item, "version");
        operation.Path = Text(item, "path");
        operation.Data = Find(item, "data") is { ValueKind: JsonValueKind.Object } data ? (JsonObject)ScimSerializer.Materialize(data)! : null;
        if (operation.Method is not ("POST" or "PUT" or "PATCH" or "DELETE"))
        {
            operation.Error = ScimException.BadRequest(ScimErrorType.InvalidValue, $"Operation method '{method}' is not one of POST, PUT, PATCH, DELETE.");
            return;
        }

        if (operation.BulkId is { Length: 0 })
        {
            operation.Error = ScimException.BadRequest(ScimErrorType.InvalidValue, "An operation's 'bulkId' must not be empty.");
            return;
        }

                if (operation.Method == "POST" && operation.BulkId is null)
        {
            operation.Error = ScimException.BadRequest(ScimErrorType.InvalidValue, "A POST operation needs a bulkId.");
            return;
        }

        var segments = (operation.Path ?? string.Empty).Trim('/').Split('/', StringSplitOptions.RemoveEmptyEntries);
        var type = segments.Length > 0 ? service.FindResourceType(segments[0]) : null;
        if (type is null || segments.Length != (operation.Method == "POST" ? 1 : 2))
        {
            operation.Error = ScimException.BadRequest(ScimErrorType.InvalidPath, operation.Method == "POST"
                ? $"A POST operation's path is a resource endpoint such as /Users; got '{operation.Path}'."
                : $"A {operation.Method} operation's path is a resource such as /Users/{{id}}; got '{operation.Path}'.");
            return;
        }

        operation.ResourceType = type.Name;
        operation.Id = segments.Length == 2 ? Uri.UnescapeDataString(segments[1]) : null;
        if (operation.Method != "DELETE" && operation.Data is null)
        {
            operation.Error = ScimException.BadRequest(ScimErrorType.InvalidSyntax, $"A {operation.Method} operation needs 'data'.");
            return;
        }

        if (operation.Id?.StartsWith(BulkIdPrefix, StringComparison.Ordinal) == true)
        {
            operation.References.Add(operation.Id[BulkIdPrefix.Length..]);
        }

        BulkReferences.Collect(operation.Data, operation.References);
    }

    /// <summary>A member by name, case-insensitively (RFC 7643 §2.1); a name given twice in different case is a syntax error.</summary>
    private static JsonElement? Find(JsonElement obj, string name)
    {
        JsonElement? found = null;
        foreach (var property in obj.EnumerateObject())
        {
            if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                if (found is not null)
                {
                    throw ScimException.BadRequest(ScimErrorType.InvalidSyntax, $"'{name}' is given twice.");
                }

                found = property.Value;
            }
        }

        return found;
    }

    /// <summary>An operation's text member: absent or null is none, a string is itself, anything else fails the operation (a number given as <c>version</c> would otherwise drop its precondition).</summary>
    private static string? Text(JsonElement obj, string name) => Find(obj, name) switch
    {
        null or { ValueKind: JsonValueKind.Null } => null,
        { ValueKind: JsonValueKind.String } value => value.GetString(),
        { } other => throw ScimException.BadRequest(ScimErrorType.InvalidValue, $"An operation's '{name}' must be a string; got {other.ValueKind.ToString().ToLowerInvariant()}."),
    };
}
