using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Scim.Core.Errors;
using Scim.Core.Provisioning;
using Scim.Core.Schema;
using Scim.Core.Stores;

namespace Scim.Core.Bulk;

/// <summary>
/// Runs a BulkRequest (RFC 7644 §3.7): each operation goes through <see cref="ScimService"/>
/// exactly as a single request would (same validation, events, tenant), and fails or succeeds on
/// its own. <c>bulkId:</c> references in paths and data are resolved to the ids created in the
/// same request, forward references included (operations run in dependency order); resources that
/// refer to each other in a cycle are created without those references first and then patched to
/// add them (§3.7.1). <c>failOnErrors</c> stops processing after that many errors.
/// </summary>
internal sealed class ScimBulkProcessor
{
    private const string BulkIdPrefix = "bulkId:";
    private readonly ScimService _service;
    private readonly BulkOptions _options;

    /// <summary>Creates a processor over a service (for the request's scope); its options say whether bulk is on and how many operations it takes.</summary>
    public ScimBulkProcessor(ScimService service)
    {
        ArgumentNullException.ThrowIfNull(service);
        _service = service;
        _options = service.Options.Bulk;
    }

    /// <summary>Processes a BulkRequest body and returns the BulkResponse.</summary>
    /// <param name="context">Tenant, actor and base URL, shared by every operation.</param>
    /// <param name="body">The UTF-8 JSON BulkRequest.</param>
    /// <param name="cancellationToken">Cancels the remaining operations.</param>
    /// <returns>The BulkResponse: one result per processed operation, in request order.</returns>
    /// <exception cref="ScimException">400 for a malformed request, 413 for too many operations, 501 when bulk is off.</exception>
    public async Task<ScimDocument> ProcessAsync(ScimContext context, ReadOnlyMemory<byte> body, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!_options.Enabled)
        {
            throw new ScimException(501, null, "Bulk operations are not supported by this service provider.");
        }

        var (failOnErrors, operations) = Read(body);
        var results = new JsonObject?[operations.Count];
        var resolved = new Dictionary<string, string>(StringComparer.Ordinal);
        var failedBulkIds = new HashSet<string>(StringComparer.Ordinal);
        var pending = Enumerable.Range(0, operations.Count).ToList();
        var errors = 0;
        var deferred = new List<(int Index, string Id, List<(string Path, JsonNode Value)> References)>();

        while (pending.Count > 0 && !Stop())
        {
            var progressed = false;
            foreach (var index in pending.ToList())
            {
                if (Stop())
                {
                    break;
                }

                var operation = operations[index];
                var missing = operation.References.Where(r => !resolved.ContainsKey(r)).ToList();
                if (missing.Any(failedBulkIds.Contains) || missing.Any(r => !operations.Any(o => o.BulkId == r)))
                {
                    var unknown = missing.First(r => failedBulkIds.Contains(r) || !operations.Any(o => o.BulkId == r));
                    Fail(index, operation, new ScimException(409, ScimErrorType.InvalidValue, $"bulkId '{unknown}' does not name a resource created in this request."));
                    pending.Remove(index);
                    progressed = true;
                    continue;
                }

                if (missing.Count > 0)
                {
                    continue; // waits for the operations that create what it refers to
                }

                await RunAsync(index, operation, null).ConfigureAwait(false);
                pending.Remove(index);
                progressed = true;
            }

            if (!progressed && pending.Count > 0 && !Stop())
            {
                // Only operations waiting on each other are left: a cycle. Create one POST without its
                // unresolved references, then patch them in once everything exists (RFC 7644 §3.7.1).
                var breakerAt = pending.FindIndex(i => operations[i].Method == "POST" && operations[i].Data is not null && operations[i].Error is null);
                if (breakerAt < 0)
                {
                    foreach (var index in pending)
                    {
                        Fail(index, operations[index], new ScimException(409, ScimErrorType.InvalidValue, "The bulkId references of this operation form a cycle that cannot be resolved."));
                    }

                    pending.Clear();
                    break;
                }

                var breaker = pending[breakerAt];
                var stripped = new List<(string Path, JsonNode Value)>();
                var data = Strip(operations[breaker].Data!, resolved, stripped);
                await RunAsync(breaker, operations[breaker], data, stripped).ConfigureAwait(false);
                pending.Remove(breaker);
            }
        }

        // Add the references left out to break cycles, now that every bulkId is known.
        foreach (var (index, id, references) in deferred)
        {
            if (Stop())
            {
                break;
            }

            var operation = operations[index];
            var patch = new JsonObject
            {
                ["schemas"] = new JsonArray(ScimSchemaUris.PatchOp),
                ["Operations"] = new JsonArray([.. references.Select(r => (JsonNode)new JsonObject
                {
                    ["op"] = "add",
                    ["path"] = r.Path,
                    ["value"] = Resolve(r.Value.DeepClone(), resolved),
                })]),
            };
            try
            {
                var result = await _service.PatchAsync(context, operation.ResourceType!, id, Encoding.UTF8.GetBytes(patch.ToJsonString()), null, cancellationToken).ConfigureAwait(false);
                results[index]!["version"] = result.Version;
            }
            catch (ScimException error)
            {
                Fail(index, operation, error);
            }
        }

        var response = new JsonArray();
        foreach (var result in results)
        {
            if (result is not null)
            {
                response.Add(result);
            }
        }

        return new ScimDocument(new JsonObject
        {
            ["schemas"] = new JsonArray(ScimSchemaUris.BulkResponse),
            ["Operations"] = response,
        });

        bool Stop() => failOnErrors is { } limit && errors >= limit;

        void Fail(int index, BulkOperation operation, ScimException error)
        {
            errors++;
            if (operation.BulkId is not null)
            {
                failedBulkIds.Add(operation.BulkId);
            }

            var result = new JsonObject { ["method"] = operation.Method };
            if (operation.BulkId is not null)
            {
                result["bulkId"] = operation.BulkId;
            }

            if (operation.Path is not null)
            {
                result["path"] = operation.Path;
            }

            result["status"] = error.Status.ToString(CultureInfo.InvariantCulture);
            result["response"] = error.ToJson();
            results[index] = result;
        }

        async Task RunAsync(int index, BulkOperation operation, JsonObject? dataOverride, List<(string Path, JsonNode Value)>? stripped = null)
        {
            if (operation.Error is not null)
            {
                Fail(index, operation, operation.Error);
                return;
            }

            try
            {
                var id = operation.Id is null ? null : ResolveId(operation.Id, resolved);
                var data = dataOverride ?? (operation.Data is null ? null : (JsonObject)Resolve(operation.Data.DeepClone(), resolved));
                var options = new ScimRequestOptions { IfMatch = operation.Version, ReturnResource = false };
                ScimResourceResult? result = null;
                var status = 200;
                switch (operation.Method)
                {
                    case "POST":
                        result = await _service.CreateAsync(context, operation.ResourceType!, Bytes(data), null, cancellationToken).ConfigureAwait(false);
                        status = 201;
                        resolved[operation.BulkId!] = result.Id;
                        if (stripped is { Count: > 0 })
                        {
                            deferred.Add((index, result.Id, stripped));
                        }

                        break;
                    case "PUT":
                        result = await _service.ReplaceAsync(context, operation.ResourceType!, id!, Bytes(data), options, cancellationToken).ConfigureAwait(false);
                        break;
                    case "PATCH":
                        result = await _service.PatchAsync(context, operation.ResourceType!, id!, Bytes(data), options, cancellationToken).ConfigureAwait(false);
                        break;
                    default:
                        await _service.DeleteAsync(context, operation.ResourceType!, id!, options, cancellationToken).ConfigureAwait(false);
                        status = 204;
                        break;
                }

                var entry = new JsonObject { ["method"] = operation.Method };
                if (operation.BulkId is not null)
                {
                    entry["bulkId"] = operation.BulkId;
                }

                if (result is not null)
                {
                    entry["version"] = result.Version;
                    if (result.Location is not null)
                    {
                        entry["location"] = result.Location.AbsoluteUri;
                    }
                }
                else if (context.BaseUrl is not null && operation.ResourceType is not null)
                {
                    entry["location"] = new ResourceLocations(context.BaseUrl, _service.FindResourceType(operation.ResourceType)!).Of(id!);
                }

                entry["status"] = status.ToString(CultureInfo.InvariantCulture);
                results[index] = entry;
            }
            catch (ScimException error)
            {
                Fail(index, operation, error);
            }
        }

        byte[] Bytes(JsonObject? data) => data is null
            ? throw ScimException.BadRequest(ScimErrorType.InvalidSyntax, "This operation needs 'data'.")
            : Encoding.UTF8.GetBytes(data.ToJsonString());
    }

    private (int? FailOnErrors, List<BulkOperation> Operations) Read(ReadOnlyMemory<byte> body)
    {
        JsonObject request;
        try
        {
            request = JsonNode.Parse(body.Span) as JsonObject ?? throw ScimException.BadRequest(ScimErrorType.InvalidSyntax, "A BulkRequest is a JSON object.");
        }
        catch (JsonException error)
        {
            throw ScimException.BadRequest(ScimErrorType.InvalidSyntax, $"The BulkRequest is not valid JSON: {error.Message}");
        }

        var schemas = Find(request, "schemas") as JsonArray;
        if (schemas is null || !schemas.Any(s => s is JsonValue v && v.TryGetValue<string>(out var text) && string.Equals(text, ScimSchemaUris.BulkRequest, StringComparison.OrdinalIgnoreCase)))
        {
            throw ScimException.BadRequest(ScimErrorType.InvalidSyntax, $"A BulkRequest lists '{ScimSchemaUris.BulkRequest}' in 'schemas'.");
        }

        int? failOnErrors = null;
        if (Find(request, "failOnErrors") is { } limit)
        {
            failOnErrors = limit is JsonValue value && value.TryGetValue<int>(out var number) && number >= 1
                ? number
                : throw ScimException.BadRequest(ScimErrorType.InvalidValue, "'failOnErrors' must be a positive integer.");
        }

        if (Find(request, "Operations") is not JsonArray list)
        {
            throw ScimException.BadRequest(ScimErrorType.InvalidSyntax, "A BulkRequest has an 'Operations' array.");
        }

        if (list.Count > _options.MaxOperations)
        {
            throw new ScimException(413, null, $"The request has {list.Count} operations; maxOperations is {_options.MaxOperations}.");
        }

        var operations = new List<BulkOperation>(list.Count);
        var bulkIds = new HashSet<string>(StringComparer.Ordinal);
        foreach (var node in list)
        {
            var operation = ReadOperation(node);
            if (operation.BulkId is not null && !bulkIds.Add(operation.BulkId))
            {
                operation.Error = ScimException.BadRequest(ScimErrorType.InvalidValue, $"bulkId '{operation.BulkId}' is used by more than one operation.");
            }

            operations.Add(operation);
        }

        return (failOnErrors, operations);
    }

    private BulkOperation ReadOperation(JsonNode? node)
    {
        var operation = new BulkOperation();
        if (node is not JsonObject entry)
        {
            operation.Error = ScimException.BadRequest(ScimErrorType.InvalidSyntax, "Each operation is a JSON object.");
            return operation;
        }

        operation.Method = (Text(entry, "method") ?? string.Empty).ToUpperInvariant();
        operation.BulkId = Text(entry, "bulkId");
        operation.Version = Text(entry, "version");
        operation.Path = Text(entry, "path");
        operation.Data = Find(entry, "data") as JsonObject;
        if (operation.Method is not ("POST" or "PUT" or "PATCH" or "DELETE"))
        {
            operation.Error = ScimException.BadRequest(ScimErrorType.InvalidValue, $"Operation method '{Text(entry, "method")}' is not one of POST, PUT, PATCH, DELETE.");
            return operation;
        }

        if (operation.Method == "POST" && operation.BulkId is null)
        {
            operation.Error = ScimException.BadRequest(ScimErrorType.InvalidValue, "A POST operation needs a bulkId.");
            return operation;
        }

        var segments = (operation.Path ?? string.Empty).Trim('/').Split('/', StringSplitOptions.RemoveEmptyEntries);
        var type = segments.Length > 0 ? _service.FindResourceType(segments[0]) : null;
        if (type is null || segments.Length != (operation.Method == "POST" ? 1 : 2))
        {
            operation.Error = ScimException.BadRequest(ScimErrorType.InvalidPath, operation.Method == "POST"
                ? $"A POST operation's path is a resource endpoint such as /Users; got '{operation.Path}'."
                : $"A {operation.Method} operation's path is a resource such as /Users/{{id}}; got '{operation.Path}'.");
            return operation;
        }

        operation.ResourceType = type.Name;
        operation.Id = segments.Length == 2 ? Uri.UnescapeDataString(segments[1]) : null;
        if (operation.Method != "DELETE" && operation.Data is null)
        {
            operation.Error = ScimException.BadRequest(ScimErrorType.InvalidSyntax, $"A {operation.Method} operation needs 'data'.");
            return operation;
        }

        if (operation.Id?.StartsWith(BulkIdPrefix, StringComparison.Ordinal) == true)
        {
            operation.References.Add(operation.Id[BulkIdPrefix.Length..]);
        }

        if (operation.Data is not null)
        {
            CollectReferences(operation.Data, operation.References);
        }

        return operation;
    }

    private static void CollectReferences(JsonNode? node, HashSet<string> references)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (_, value) in obj)
                {
                    CollectReferences(value, references);
                }

                break;
            case JsonArray array:
                foreach (var item in array)
                {
                    CollectReferences(item, references);
                }

                break;
            case JsonValue value when value.TryGetValue<string>(out var text) && text.StartsWith(BulkIdPrefix, StringComparison.Ordinal):
                references.Add(text[BulkIdPrefix.Length..]);
                break;
        }
    }

    private static string ResolveId(string id, Dictionary<string, string> resolved) =>
        id.StartsWith(BulkIdPrefix, StringComparison.Ordinal) ? resolved[id[BulkIdPrefix.Length..]] : id;

    private static JsonNode Resolve(JsonNode node, Dictionary<string, string> resolved)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var key in obj.Select(p => p.Key).ToList())
                {
                    if (obj[key] is { } child && Resolve(child, resolved) is var replaced && !ReferenceEquals(replaced, child))
                    {
                        obj[key] = replaced;
                    }
                }

                return obj;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    if (array[i] is { } item && Resolve(item, resolved) is var replaced && !ReferenceEquals(replaced, item))
                    {
                        array[i] = replaced;
                    }
                }

                return array;
            case JsonValue value when value.TryGetValue<string>(out var text) && text.StartsWith(BulkIdPrefix, StringComparison.Ordinal)
                && resolved.TryGetValue(text[BulkIdPrefix.Length..], out var id):
                return JsonValue.Create(id);
            default:
                return node;
        }
    }

    /// <summary>
    /// A copy of a POST's data without the values that still refer to unresolved bulkIds: elements
    /// of multi-valued attributes (members) and whole single-valued attributes (manager). Each one
    /// left out is recorded with the attribute path it will be added back to.
    /// </summary>
    private static JsonObject Strip(JsonObject data, Dictionary<string, string> resolved, List<(string Path, JsonNode Value)> stripped)
    {
        var copy = (JsonObject)Resolve(data.DeepClone(), resolved);
        foreach (var (key, value) in copy.ToList())
        {
            var isExtension = key.StartsWith("urn:", StringComparison.OrdinalIgnoreCase);
            if (isExtension && value is JsonObject extension)
            {
                foreach (var (name, inner) in extension.ToList())
                {
                    StripAttribute(extension, name, $"{key}:{name}", inner);
                }

                continue;
            }

            StripAttribute(copy, key, key, value);
        }

        return copy;

        void StripAttribute(JsonObject owner, string name, string path, JsonNode? value)
        {
            if (value is JsonArray array)
            {
                foreach (var item in array.ToList())
                {
                    if (HasUnresolved(item))
                    {
                        array.Remove(item);
                        stripped.Add((path, new JsonArray(item!.DeepClone())));
                    }
                }
            }
            else if (HasUnresolved(value))
            {
                owner.Remove(name);
                stripped.Add((path, value!.DeepClone()));
            }
        }

        static bool HasUnresolved(JsonNode? node)
        {
            var references = new HashSet<string>(StringComparer.Ordinal);
            CollectReferences(node, references);
            return references.Count > 0;
        }
    }

    private static JsonNode? Find(JsonObject obj, string name)
    {
        foreach (var (key, value) in obj)
        {
            if (string.Equals(key, name, StringComparison.OrdinalIgnoreCase))
            {
                return value;
            }
        }

        return null;
    }

    private static string? Text(JsonObject obj, string name) =>
        Find(obj, name) is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    private sealed class BulkOperation
    {
        public string Method { get; set; } = string.Empty;

        public string? BulkId { get; set; }

        public string? Version { get; set; }

        public string? Path { get; set; }

        public JsonObject? Data { get; set; }

        public string? ResourceType { get; set; }

        public string? Id { get; set; }

        public HashSet<string> References { get; } = new(StringComparer.Ordinal);

        public ScimException? Error { get; set; }
    }
}
