using System.Globalization;
using System.Text;
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
/// same request, forward references included: operations run in request order, and one that waits
/// for another runs in the first sweep after it (<see cref="BulkSchedule"/>). Resources that refer
/// to each other in a cycle are created without those references first and then patched to add
/// them (§3.7.1). <c>failOnErrors</c> stops processing after that many errors. An operation that
/// fails with an exception no SCIM error describes is answered 500 (and logged), as one request
/// alone would be, and counts as an error; the others go on.
/// </summary>
internal sealed class ScimBulkProcessor(ScimService service)
{
    /// <summary>Processes a BulkRequest body and returns the BulkResponse.</summary>
    /// <param name="context">Tenant, actor and base URL, shared by every operation.</param>
    /// <param name="body">The UTF-8 JSON BulkRequest.</param>
    /// <param name="cancellationToken">Cancels the remaining operations.</param>
    /// <returns>The BulkResponse: one result per processed operation, in request order.</returns>
    /// <exception cref="ScimException">400 for a malformed request, 413 for too many operations, 501 when bulk is off.</exception>
    public async Task<ScimDocument> ProcessAsync(ScimContext context, ReadOnlyMemory<byte> body, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!service.Options.Bulk.Enabled)
        {
            throw new ScimException(501, null, "Bulk operations are not supported by this service provider.");
        }

        var (failOnErrors, operations) = BulkRequestReader.Read(body, service);
        var run = new Run(service, context, operations, failOnErrors, cancellationToken);
        await run.ExecuteAsync().ConfigureAwait(false);
        return run.Response();
    }

    /// <summary>One request's processing: the results so far, the ids created, the references put off to break cycles.</summary>
    private sealed class Run(ScimService service, ScimContext context, List<BulkOperation> operations, int? failOnErrors, CancellationToken cancellationToken)
    {
        private readonly JsonObject?[] _results = new JsonObject?[operations.Count];
        private readonly Dictionary<string, string> _resolved = new(StringComparer.Ordinal);
        private readonly List<(int Index, string Id, List<(string Path, JsonNode Value)> References)> _deferred = [];
        private int _errors;

        private bool Stopped => failOnErrors is { } limit && _errors >= limit;

        public async Task ExecuteAsync()
        {
            var schedule = new BulkSchedule(operations);
            while (!Stopped && schedule.Next(out var index, out var breaksCycle))
            {
                var operation = operations[index];
                if (breaksCycle)
                {
                    // Only operations waiting on each other are left: create this one without its
                    // unresolved references, and patch them in once everything exists (RFC 7644 §3.7.1).
                    var stripped = new List<(string Path, JsonNode Value)>();
                    var data = BulkReferences.Strip(operation.Data!, _resolved, stripped);
                    await RunAsync(operation, data, stripped).ConfigureAwait(false);
                }
                else if (operation.References.FirstOrDefault(r => !_resolved.ContainsKey(r)) is { } unknown)
                {
                    Fail(operation, new ScimException(409, ScimErrorType.InvalidValue, $"bulkId '{unknown}' does not name a resource created in this request."));
                }
                else if (operation.Error is not null)
                {
                    Fail(operation, operation.Error);
                }
                else
                {
                    await RunAsync(operation, null, null).ConfigureAwait(false);
                }

                schedule.Completed(index, operation.BulkId is not null && _resolved.ContainsKey(operation.BulkId));
            }

            if (!Stopped)
            {
                foreach (var index in schedule.Unrunnable())
                {
                    Fail(operations[index], new ScimException(409, ScimErrorType.InvalidValue, "The bulkId references of this operation form a cycle that cannot be resolved."));
                }
            }

            await PatchDeferredAsync().ConfigureAwait(false);
        }

        public ScimDocument Response() => new(new JsonObject
        {
            ["schemas"] = new JsonArray(ScimSchemaUris.BulkResponse),
            ["Operations"] = new JsonArray([.. _results.Where(r => r is not null)]),
        });

        private async Task RunAsync(BulkOperation operation, JsonObject? dataOverride, List<(string Path, JsonNode Value)>? stripped)
        {
            try
            {
                var id = operation.Id is null ? null : BulkReferences.ResolveId(operation.Id, _resolved);
                var data = dataOverride ?? (operation.Data is null ? null : (JsonObject)BulkReferences.Resolve(operation.Data.DeepClone(), _resolved));
                var options = new ScimRequestOptions { IfMatch = operation.Version, ReturnResource = false };
                ScimResourceResult? result = null;
                var status = 200;
                switch (operation.Method)
                {
                    case "POST":
                        result = await service.CreateAsync(context, operation.ResourceType!, Bytes(data), null, cancellationToken).ConfigureAwait(false);
                        status = 201;
                        _resolved[operation.BulkId!] = result.Id;
                        if (stripped is { Count: > 0 })
                        {
                            _deferred.Add((operation.Index, result.Id, stripped));
                        }

                        break;
                    case "PUT":
                        result = await service.ReplaceAsync(context, operation.ResourceType!, id!, Bytes(data), options, cancellationToken).ConfigureAwait(false);
                        break;
                    case "PATCH":
                        result = await service.PatchAsync(context, operation.ResourceType!, id!, Bytes(data), options, cancellationToken).ConfigureAwait(false);
                        break;
                    default:
                        await service.DeleteAsync(context, operation.ResourceType!, id!, options, cancellationToken).ConfigureAwait(false);
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
                    entry["location"] = new ResourceLocations(context.BaseUrl, service.FindResourceType(operation.ResourceType)!).Of(id!);
                }

                entry["status"] = status.ToString(CultureInfo.InvariantCulture);
                _results[operation.Index] = entry;
            }
            catch (ScimException error)
            {
                Fail(operation, error);
            }
            catch (Exception error) when (!cancellationToken.IsCancellationRequested)
            {
                // A failure no SCIM error describes (a store's, the database's) is this operation's
                // 500: the operations before it are done, and the client learns which ones were.
                service.BulkOperationFailed(error, operation.Method, operation.Path);
                Fail(operation, new ScimException(500, null, "The operation failed on the server; its log says why."));
            }
        }

        /// <summary>
        /// Adds the references left out to break cycles, now that every bulkId is known. This
        /// finishes operations already run, so it runs even after <c>failOnErrors</c> stopped the
        /// request. A create whose references cannot be added failed as a whole: the resource it
        /// made is deleted again, so that a failed operation leaves nothing behind.
        /// </summary>
        private async Task PatchDeferredAsync()
        {
            foreach (var (index, id, references) in _deferred)
            {
                var operation = operations[index];
                var patch = new JsonObject
                {
                    ["schemas"] = new JsonArray(ScimSchemaUris.PatchOp),
                    ["Operations"] = new JsonArray([.. references.Select(r => (JsonNode)new JsonObject
                    {
                        ["op"] = "add",
                        ["path"] = r.Path,
                        ["value"] = BulkReferences.Resolve(r.Value.DeepClone(), _resolved),
                    })]),
                };
                ScimException failure;
                try
                {
                    var result = await service.PatchAsync(context, operation.ResourceType!, id, Encoding.UTF8.GetBytes(patch.ToJsonString()), null, cancellationToken).ConfigureAwait(false);
                    _results[index]!["version"] = result.Version;
                    continue;
                }
                catch (ScimException error)
                {
                    failure = error;
                }
                catch (Exception error) when (!cancellationToken.IsCancellationRequested)
                {
                    service.BulkOperationFailed(error, operation.Method, operation.Path);
                    failure = new ScimException(500, null, "The operation failed on the server; its log says why.");
                }

                await UndoCreateAsync(operation, id).ConfigureAwait(false);
                Fail(operation, failure);
            }
        }

        /// <summary>Deletes what a create that failed afterwards made (a group it was added to lets go of it, as on any delete).</summary>
        private async Task UndoCreateAsync(BulkOperation operation, string id)
        {
            try
            {
                await service.DeleteAsync(context, operation.ResourceType!, id, null, cancellationToken).ConfigureAwait(false);
            }
            catch (ScimException gone) when (gone.Status == 404)
            {
                // Deleted by a later operation of the request, or by another client.
            }
            catch (Exception error) when (!cancellationToken.IsCancellationRequested)
            {
                service.BulkOperationFailed(error, "DELETE", operation.Path);
            }
        }

        private void Fail(BulkOperation operation, ScimException error)
        {
            _errors++;

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
            _results[operation.Index] = result;
        }

        private static byte[] Bytes(JsonObject? data) => data is null
            ? throw ScimException.BadRequest(ScimErrorType.InvalidSyntax, "This operation needs 'data'.")
            : Encoding.UTF8.GetBytes(data.ToJsonString());
    }
}
