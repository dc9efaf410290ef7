using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features.Authentication;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using Scim.Core.Bulk;
using Scim.Core.Discovery;
using Scim.Core.Errors;
using Scim.Core.Provisioning;
using Scim.Core.Schema;
using Scim.Core.Stores;
using Scim.Core.Versioning;

namespace Scim.AspNetCore;

/// <summary>
/// Every request under the SCIM prefix comes here: it parses the route, headers and body, calls the
/// provisioning service and writes the response. No business logic: every decision is the service's.
/// </summary>
internal sealed partial class ScimRequestHandler
{
    private const string AllowKey = "Scim.Allow";

    private static readonly string[] ServiceProviderConfigNames = ["ServiceProviderConfig", "ServiceProviderConfigs", "serviceConfiguration"];

    private readonly ScimHttpOptions _options;
    private readonly SchemaRegistry _registry;
    private readonly ServiceProviderConfiguration _configuration;
    private readonly ILogger _logger;

    // Parsed base URIs by their text: a deployment answers on a handful (hosts, tenants), and
    // parsing one costs more than the rest of a small request's routing. Bounded, since the Host
    // header is the client's to choose; past the bound a URI is parsed per request.
    private const int MaxCachedBaseUris = 1024;

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, Uri> _baseUris = new(StringComparer.Ordinal);
    private int _initialized;
    private IOptionsMonitor<ScimBearerTokenOptions>? _bearerTokens;
    private ScimService? _shared;
    private int _warnedNoTokens;

    public ScimRequestHandler(ScimHttpOptions options, SchemaRegistry registry, ServiceProviderConfiguration configuration, ILogger<ScimRequestHandler> logger)
    {
        _options = options;
        _registry = registry;
        _configuration = configuration;
        _logger = logger;
    }

    /// <summary>Validates the options and makes ServiceProviderConfig say what is really served (once, at MapScim).</summary>
    public void Initialize(IServiceProvider services)
    {
        _options.Validate();
        _bearerTokens = services.GetService<IOptionsMonitor<ScimBearerTokenOptions>>();
        using var scope = services.CreateScope();
        var service = scope.ServiceProvider.GetRequiredService<ScimService>();
        using (var other = services.CreateScope())
        {
            // When every scope gets the same service (all it holds are singletons), a request needs
            // no scope of its own; otherwise each request resolves its own (a store over a DbContext).
            _shared = ReferenceEquals(service, other.ServiceProvider.GetRequiredService<ScimService>()) ? service : null;
        }

        if (Interlocked.Exchange(ref _initialized, 1) == 1)
        {
            return;
        }

        _configuration.PatchSupported = true;
        _configuration.ChangePasswordSupported = true;
        _configuration.SortSupported = true;
        _configuration.ETagSupported = true;
        _configuration.Filter.Supported = true;
        _configuration.Filter.MaxResults = service.Options.MaxCount;
        _configuration.Bulk.Supported = service.Options.Bulk.Enabled;
        _configuration.Bulk.MaxOperations = service.Options.Bulk.MaxOperations;
        _configuration.Bulk.MaxPayloadSize = _options.MaxPayloadSize;
        _configuration.Pagination.Index = true;
        _configuration.Pagination.Cursor = service.SupportsCursorPaging;
        _configuration.Pagination.CursorTimeout = service.CursorTimeout is { } timeout ? (int)timeout.TotalSeconds : null;
        _configuration.Pagination.DefaultPageSize = service.Options.DefaultCount;
        _configuration.Pagination.MaxPageSize = service.Options.MaxCount;
    }

    public async Task HandleAsync(HttpContext context)
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<ScimBearerTokenRequired>() is not null && !HasBearerToken(context))
        {
            context.Response.Headers.WWWAuthenticate = ScimBearerTokenCheck.Challenge;
            await ScimResponses.WriteErrorAsync(context, 401, null, "Authentication is required: send a valid bearer token.").ConfigureAwait(false);
            return;
        }

        try
        {
            await DispatchAsync(context).ConfigureAwait(false);
        }
        catch (ScimException error)
        {
            await WriteErrorIfPossibleAsync(context, error.Status, error.ScimType, error.Detail, error.Data[AllowKey] as string).ConfigureAwait(false);
        }
        catch (BadHttpRequestException error)
        {
            var tooLarge = error.StatusCode == StatusCodes.Status413PayloadTooLarge;
            await WriteErrorIfPossibleAsync(context, error.StatusCode, tooLarge ? null : ScimErrorType.InvalidSyntax, tooLarge ? TooLargeDetail() : "The request could not be read.").ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away; nothing to answer.
        }
#pragma warning disable CA1031 // the last line of defence: an unexpected failure is a 500 SCIM body without internals
        catch (Exception error)
#pragma warning restore CA1031
        {
            LogUnhandled(_logger, error, context.Request.Method, context.Request.Path);
            await WriteErrorIfPossibleAsync(context, 500, null, "An unexpected error occurred; it has been logged.").ConfigureAwait(false);
        }
    }

    /// <summary>
    /// RequireScimBearerToken's check: passes a client the authentication scheme already
    /// authenticated (when it is the default scheme), else checks the header against the tokens and
    /// makes the client <c>HttpContext.User</c>.
    /// </summary>
    private bool HasBearerToken(HttpContext context)
    {
        const string scheme = ScimBearerTokenDefaults.AuthenticationScheme;

        // Read the feature, not HttpContext.User, which would make an empty principal to throw away.
        if (context.Features.Get<IHttpAuthenticationFeature>()?.User is { } user)
        {
            foreach (var identity in user.Identities)
            {
                if (identity.IsAuthenticated && string.Equals(identity.AuthenticationType, scheme, StringComparison.Ordinal))
                {
                    // If that ran before routing, it did not see the route's tenant; Tenant() refuses a mismatch.
                    return true;
                }
            }
        }

        var tokens = _bearerTokens?.Get(scheme);
        if (tokens is null || tokens.Tokens.Count == 0)
        {
            if (Interlocked.Exchange(ref _warnedNoTokens, 1) == 0)
            {
                LogNoTokens(_logger);
            }

            return false;
        }

        var outcome = ScimBearerTokenCheck.Check(context, tokens, out var match);
        if (outcome != ScimBearerTokenCheck.Outcome.Valid)
        {
            return false;
        }

        context.User = ScimBearerTokenCheck.Principal(match!, scheme);
        return true;
    }

    private static async Task WriteErrorIfPossibleAsync(HttpContext context, int status, string? scimType, string detail, string? allow = null)
    {
        if (context.Response.HasStarted)
        {
            return;
        }

        context.Response.Clear();
        if (allow is not null)
        {
            context.Response.Headers.Allow = allow; // a 405 names the methods the resource accepts (RFC 9110 §15.5.6)
        }

        await ScimResponses.WriteErrorAsync(context, status, scimType, detail).ConfigureAwait(false);
    }

    private async Task DispatchAsync(HttpContext context)
    {
        var request = context.Request;
        var path = (context.GetRouteValue("scimPath") as string ?? string.Empty).Trim('/');
        var segments = path.Length == 0 ? [] : path.Split('/');
        var method = request.Method;
        if (segments.Length == 0)
        {
            throw ScimException.NotFound("No SCIM endpoint here: try /Users, /Groups, /ServiceProviderConfig, /ResourceTypes or /Schemas.");
        }

        var first = Uri.UnescapeDataString(segments[0]);
        var baseUri = BaseUri(context, path);
        if (segments.Length == 1 && ServiceProviderConfigNames.Contains(first, StringComparer.OrdinalIgnoreCase))
        {
            RequireMethod(method, HttpMethods.Get);
            await ScimResponses.WriteJsonAsync(context, 200, DiscoveryDocuments.ServiceProviderConfig(_configuration, baseUri)).ConfigureAwait(false);
            return;
        }

        if (first.Equals("ResourceTypes", StringComparison.OrdinalIgnoreCase) && segments.Length <= 2)
        {
            RequireMethod(method, HttpMethods.Get);
            if (segments.Length == 1)
            {
                await ScimResponses.WriteJsonAsync(context, 200, DiscoveryDocuments.ResourceTypes(_registry, baseUri)).ConfigureAwait(false);
                return;
            }

            var name = Uri.UnescapeDataString(segments[1]);
            var resourceType = _registry.FindResourceType(name);
            if (resourceType is null || !string.Equals(resourceType.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                throw ScimException.NotFound($"Resource type '{name}' not found.");
            }

            await ScimResponses.WriteJsonAsync(context, 200, DiscoveryDocuments.ResourceType(resourceType, baseUri)).ConfigureAwait(false);
            return;
        }

        if (first.Equals("Schemas", StringComparison.OrdinalIgnoreCase) && segments.Length <= 2)
        {
            RequireMethod(method, HttpMethods.Get);
            if (segments.Length == 1)
            {
                await ScimResponses.WriteJsonAsync(context, 200, DiscoveryDocuments.Schemas(_registry, baseUri)).ConfigureAwait(false);
                return;
            }

            var id = Uri.UnescapeDataString(segments[1]);
            var schema = _registry.FindSchema(id) ?? throw ScimException.NotFound($"Schema '{id}' not found.");
            await ScimResponses.WriteJsonAsync(context, 200, DiscoveryDocuments.Schema(schema, baseUri)).ConfigureAwait(false);
            return;
        }

        var service = _shared ?? context.RequestServices.GetRequiredService<ScimService>();
        var scim = new ScimContext(Tenant(context), Actor(context)) { BaseUri = ParsedBaseUri(baseUri) };
        if (segments.Length == 1 && first.Equals("Bulk", StringComparison.OrdinalIgnoreCase))
        {
            if (!service.Options.Bulk.Enabled)
            {
                throw new ScimException(501, null, "Bulk operations are not supported by this service provider.");
            }

            RequireMethod(method, HttpMethods.Post);
            var bulk = await ReadBodyAsync(context).ConfigureAwait(false);
            var response = await new ScimBulkProcessor(service, service.Options.Bulk).ProcessAsync(scim, bulk, context.RequestAborted).ConfigureAwait(false);
            await ScimResponses.WriteJsonAsync(context, 200, response).ConfigureAwait(false);
            return;
        }

        if (segments.Length == 1 && first.Equals("Me", StringComparison.OrdinalIgnoreCase))
        {
            if (_options.MeUserId is null)
            {
                throw new ScimException(501, null, "/Me is not supported by this service provider.");
            }

            var me = _options.MeUserId(context) ?? throw ScimException.NotFound("The authenticated subject has no User resource here.");
            await ResourceAsync(context, service, scim, service.FindResourceType("User")!, me, method).ConfigureAwait(false);
            return;
        }

        if (segments.Length == 1 && first.Equals(".search", StringComparison.OrdinalIgnoreCase))
        {
            RequireMethod(method, HttpMethods.Post);
            var search = await ReadSearchAsync(context).ConfigureAwait(false);
            await ScimResponses.WriteJsonAsync(context, 200, await SearchAllAsync(service, scim, search, context.RequestAborted).ConfigureAwait(false)).ConfigureAwait(false);
            return;
        }

        var type = service.FindResourceType(first) ?? throw ScimException.NotFound($"No SCIM endpoint at '/{path}'.");
        if (!string.Equals(type.Endpoint.TrimStart('/'), first, StringComparison.OrdinalIgnoreCase))
        {
            throw ScimException.NotFound($"No SCIM endpoint at '/{path}': resources of type {type.Name} are at {type.Endpoint}.");
        }

        if (segments.Length == 1)
        {
            if (HttpMethods.IsGet(method))
            {
                var list = await service.ListAsync(scim, type.Name, ListRequestFromQuery(request), context.RequestAborted).ConfigureAwait(false);
                await ScimResponses.WriteAsync(context, 200, list.WriteTo, ScimResponses.ListSizeHint(list)).ConfigureAwait(false);
                return;
            }

            if (!HttpMethods.IsPost(method))
            {
                throw MethodNotAllowed(method, "GET, POST");
            }

            var body = await ReadBodyAsync(context).ConfigureAwait(false);
            var created = await service.CreateAsync(scim, type.Name, body, Options(request), context.RequestAborted).ConfigureAwait(false);
            context.Response.Headers.Location = created.Location?.AbsoluteUri;
            await WriteResourceAsync(context, 201, created).ConfigureAwait(false);
            return;
        }

        if (segments.Length != 2)
        {
            throw ScimException.NotFound($"No SCIM endpoint at '/{path}'.");
        }

        var resourceId = Uri.UnescapeDataString(segments[1]);
        if (resourceId.Equals(".search", StringComparison.OrdinalIgnoreCase))
        {
            RequireMethod(method, HttpMethods.Post);
            var search = await ReadSearchAsync(context).ConfigureAwait(false);
            var list = await service.ListAsync(scim, type.Name, search, context.RequestAborted).ConfigureAwait(false);
            await ScimResponses.WriteAsync(context, 200, list.WriteTo, ScimResponses.ListSizeHint(list)).ConfigureAwait(false);
            return;
        }

        await ResourceAsync(context, service, scim, type, resourceId, method).ConfigureAwait(false);
    }

    private async Task ResourceAsync(HttpContext context, ScimService service, ScimContext scim, ScimResourceType type, string resourceId, string method)
    {
        var request = context.Request;
        var ifMatch = request.Headers.IfMatch.ToString();
        switch (method)
        {
            case var _ when HttpMethods.IsGet(method):
                var found = await service.GetAsync(scim, type.Name, resourceId, Options(request), context.RequestAborted).ConfigureAwait(false);
                if (!ResourceVersion.SatisfiesIfNoneMatch(request.Headers.IfNoneMatch.ToString(), found.Version))
                {
                    context.Response.StatusCode = StatusCodes.Status304NotModified;
                    context.Response.Headers.ETag = found.Version;
                    return;
                }

                await WriteResourceAsync(context, 200, found).ConfigureAwait(false);
                return;
            case var _ when HttpMethods.IsPut(method):
                var replacement = await ReadBodyAsync(context).ConfigureAwait(false);
                var replaced = await service.ReplaceAsync(scim, type.Name, resourceId, replacement, Options(request, ifMatch), context.RequestAborted).ConfigureAwait(false);
                await WriteResourceAsync(context, 200, replaced).ConfigureAwait(false);
                return;
            case var _ when HttpMethods.IsPatch(method):
                var patch = await ReadBodyAsync(context).ConfigureAwait(false);
                var noContent = _options.PatchResponse == ScimPatchResponse.NoContent;
                var patched = await service.PatchAsync(scim, type.Name, resourceId, patch, Options(request, ifMatch, returnResource: !noContent), context.RequestAborted).ConfigureAwait(false);
                if (noContent)
                {
                    context.Response.StatusCode = StatusCodes.Status204NoContent;
                    context.Response.Headers.ETag = patched.Version;
                    return;
                }

                await WriteResourceAsync(context, 200, patched).ConfigureAwait(false);
                return;
            case var _ when HttpMethods.IsDelete(method):
                await service.DeleteAsync(scim, type.Name, resourceId, Options(request, ifMatch), context.RequestAborted).ConfigureAwait(false);
                context.Response.StatusCode = StatusCodes.Status204NoContent;
                return;
            default:
                throw MethodNotAllowed(method, "GET, PUT, PATCH, DELETE");
        }
    }

    private static async Task WriteResourceAsync(HttpContext context, int status, ScimResourceResult result)
    {
        context.Response.Headers.ETag = result.Version;
        await ScimResponses.WriteAsync(context, status, result.WriteTo).ConfigureAwait(false);
    }

    private static void RequireMethod(string method, string allowed)
    {
        if (!string.Equals(method, allowed, StringComparison.OrdinalIgnoreCase))
        {
            throw MethodNotAllowed(method, allowed);
        }
    }

    private static ScimException MethodNotAllowed(string method, string allowed)
    {
        var error = new ScimException(405, null, $"{method} is not supported here; this endpoint accepts {allowed}.");
        error.Data[AllowKey] = allowed;
        return error;
    }

    private static ScimRequestOptions Options(HttpRequest request, string? ifMatch = null, bool returnResource = true) => new()
    {
        Attributes = NullIfEmpty(request.Query["attributes"]),
        ExcludedAttributes = NullIfEmpty(request.Query["excludedAttributes"]),
        IfMatch = string.IsNullOrWhiteSpace(ifMatch) ? null : ifMatch,
        ReturnResource = returnResource,
    };

    private static string? NullIfEmpty(Microsoft.Extensions.Primitives.StringValues value) => value.Count == 0 ? null : value.ToString();

    private static ScimListRequest ListRequestFromQuery(HttpRequest request) => new()
    {
        Filter = NullIfEmpty(request.Query["filter"]),
        SortBy = NullIfEmpty(request.Query["sortBy"]),
        SortOrder = NullIfEmpty(request.Query["sortOrder"]),
        StartIndex = Integer(request.Query["startIndex"], "startIndex"),
        Count = Integer(request.Query["count"], "count"),
        Cursor = request.Query.TryGetValue("cursor", out var cursor) ? cursor.ToString() : null,
        Attributes = NullIfEmpty(request.Query["attributes"]),
        ExcludedAttributes = NullIfEmpty(request.Query["excludedAttributes"]),
    };

    private static int? Integer(Microsoft.Extensions.Primitives.StringValues value, string name)
    {
        if (value.Count == 0 || string.IsNullOrEmpty(value.ToString()))
        {
            return null;
        }

        return int.TryParse(value.ToString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number)
            ? number
            : throw ScimException.BadRequest(ScimErrorType.InvalidValue, $"'{name}' must be an integer.");
    }

    private async Task<ReadOnlyMemory<byte>> ReadBodyAsync(HttpContext context)
    {
        var request = context.Request;
        if (!IsJsonContentType(request.ContentType))
        {
            throw new ScimException(415, null, "Send the body as application/scim+json (application/json is accepted too).");
        }

        if (request.ContentLength > _options.MaxPayloadSize)
        {
            throw new ScimException(413, null, TooLargeDetail());
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, context.RequestAborted).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > _options.MaxPayloadSize)
            {
                throw new ScimException(413, null, TooLargeDetail());
            }

            buffer.Write(chunk, 0, read);
        }

        if (buffer.Length == 0)
        {
            throw ScimException.BadRequest(ScimErrorType.InvalidSyntax, "The request body is empty.");
        }

        return buffer.ToArray();
    }

    private string TooLargeDetail() => $"The request body is larger than maxPayloadSize ({_options.MaxPayloadSize} bytes).";

    private static bool IsJsonContentType(string? contentType)
    {
        if (string.IsNullOrEmpty(contentType) || !MediaTypeHeaderValue.TryParse(contentType, out var parsed))
        {
            return false;
        }

        return parsed.MediaType.Equals("application/scim+json", StringComparison.OrdinalIgnoreCase)
            || parsed.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>A SearchRequest body (RFC 7644 §3.4.3).</summary>
    private async Task<ScimListRequest> ReadSearchAsync(HttpContext context)
    {
        var body = await ReadBodyAsync(context).ConfigureAwait(false);
        JsonObject search;
        try
        {
            search = JsonNode.Parse(body.Span) as JsonObject ?? throw ScimException.BadRequest(ScimErrorType.InvalidSyntax, "A SearchRequest is a JSON object.");
        }
        catch (JsonException error)
        {
            throw ScimException.BadRequest(ScimErrorType.InvalidSyntax, $"The SearchRequest is not valid JSON: {error.Message}");
        }

        string? Text(string name)
        {
            var node = Find(search, name);
            return node switch
            {
                null => null,
                JsonValue value when value.TryGetValue<string>(out var text) => text,
                JsonArray array when name is "attributes" or "excludedAttributes" => string.Join(',', array.Select(e => e is JsonValue v && v.TryGetValue<string>(out var s) ? s : throw ScimException.BadRequest(ScimErrorType.InvalidValue, $"'{name}' must list strings."))),
                _ => throw ScimException.BadRequest(ScimErrorType.InvalidValue, $"'{name}' must be a string."),
            };
        }

        int? Number(string name)
        {
            var node = Find(search, name);
            return node switch
            {
                null => null,
                JsonValue value when value.TryGetValue<int>(out var number) => number,
                _ => throw ScimException.BadRequest(ScimErrorType.InvalidValue, $"'{name}' must be an integer."),
            };
        }

        return new ScimListRequest
        {
            Filter = Text("filter"),
            SortBy = Text("sortBy"),
            SortOrder = Text("sortOrder"),
            StartIndex = Number("startIndex"),
            Count = Number("count"),
            Cursor = Text("cursor"),
            Attributes = Text("attributes"),
            ExcludedAttributes = Text("excludedAttributes"),
        };
    }

    private static JsonNode? Find(JsonObject search, string name)
    {
        foreach (var (key, value) in search)
        {
            if (string.Equals(key, name, StringComparison.OrdinalIgnoreCase))
            {
                return value;
            }
        }

        return null;
    }

    /// <summary>
    /// <c>POST /.search</c> across every served resource type (RFC 7644 §3.4.3): the results of each
    /// type, one after the other, paged as one list. A type whose schema cannot express the filter contributes nothing.
    /// </summary>
    private static async Task<JsonObject> SearchAllAsync(ScimService service, ScimContext context, ScimListRequest search, CancellationToken cancellationToken)
    {
        if (search.Cursor is not null)
        {
            throw ScimException.BadRequest(ScimErrorType.InvalidValue, "Cursor paging is not offered for searches across resource types; use startIndex and count.");
        }

        var wanted = Math.Clamp(search.Count ?? service.Options.DefaultCount, 0, service.Options.MaxCount);
        var skip = Math.Max(1, search.StartIndex ?? 1) - 1;
        var total = 0;
        var resources = new JsonArray();
        ScimException? lastError = null;
        var answered = 0;
        foreach (var type in service.ResourceTypes)
        {
            ScimListResult counted;
            try
            {
                counted = await service.ListAsync(context, type.Name, new ScimListRequest { Filter = search.Filter, Count = 0 }, cancellationToken).ConfigureAwait(false);
            }
            catch (ScimException error) when (error.ScimType is ScimErrorType.InvalidFilter or ScimErrorType.InvalidPath)
            {
                lastError = error;
                continue;
            }

            answered++;
            var start = total;
            total += counted.TotalResults;
            var from = Math.Max(skip, start) - start; // index inside this type
            var room = wanted - resources.Count;
            if (room <= 0 || from >= counted.TotalResults)
            {
                continue;
            }

            var page = await service.ListAsync(context, type.Name, new ScimListRequest
            {
                Filter = search.Filter,
                SortBy = search.SortBy,
                SortOrder = search.SortOrder,
                StartIndex = from + 1,
                Count = room,
                Attributes = search.Attributes,
                ExcludedAttributes = search.ExcludedAttributes,
            }, cancellationToken).ConfigureAwait(false);
            foreach (var resource in page.Resources)
            {
                resources.Add(resource.ToJson());
            }
        }

        if (answered == 0 && lastError is not null)
        {
            throw lastError;
        }

        return new JsonObject
        {
            ["schemas"] = new JsonArray(ScimSchemaUris.ListResponse),
            ["totalResults"] = total,
            ["itemsPerPage"] = resources.Count,
            ["startIndex"] = skip + 1,
            ["Resources"] = resources,
        };
    }

    private string Tenant(HttpContext context)
    {
        var claimed = context.User.FindFirstValue(ScimClaimTypes.Tenant);
        var tenant = _options.TenantResolver?.Invoke(context);
        if (tenant is null && context.GetRouteValue("tenant") is string routeTenant)
        {
            // Authentication may have run before routing (or by another scheme) without seeing the
            // route's tenant: a client whose claim names another tenant never gets this one's data.
            if (claimed is not null && !string.Equals(claimed, routeTenant, StringComparison.Ordinal))
            {
                throw new ScimException(403, null, "The authenticated client may not provision this tenant.");
            }

            tenant = routeTenant;
        }

        tenant ??= claimed;
        return string.IsNullOrEmpty(tenant) ? ScimContext.DefaultTenant : tenant;
    }

    private string? Actor(HttpContext context) =>
        _options.ActorResolver?.Invoke(context)
        ?? context.User.FindFirstValue(ScimClaimTypes.Client)
        ?? context.User.Identity?.Name;

    /// <summary>The base URI parsed from its text, kept for the next request with the same text while there is room.</summary>
    private Uri ParsedBaseUri(string text)
    {
        if (_baseUris.TryGetValue(text, out var uri))
        {
            return uri;
        }

        uri = new Uri(text);
        if (_baseUris.Count < MaxCachedBaseUris)
        {
            _baseUris.TryAdd(text, uri);
        }

        return uri;
    }

    /// <summary>The absolute URL of the SCIM prefix for this request (scheme, host, PathBase, and the matched prefix with its tenant).</summary>
    private static string BaseUri(HttpContext context, string scimPath)
    {
        var request = context.Request;
        var full = request.PathBase.Add(request.Path).Value ?? string.Empty;
        var trimmed = full.TrimEnd('/');
        if (scimPath.Length > 0 && trimmed.EndsWith(scimPath, StringComparison.Ordinal))
        {
            trimmed = trimmed[..^scimPath.Length];
        }

        return $"{request.Scheme}://{request.Host}{trimmed.TrimEnd('/')}";
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Error, Message = "Unhandled error in SCIM {Method} {Path}")]
    private static partial void LogUnhandled(ILogger logger, Exception exception, string method, PathString path);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "The SCIM endpoints require a bearer token (RequireScimBearerToken) but no token is configured: add them with AddScimBearerTokens. Every request is refused with 401.")]
    private static partial void LogNoTokens(ILogger logger);
}
