using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Scim.Core;
using Scim.Core.Errors;
using Scim.Core.Provisioning;
using Scim.Core.Schema;
using Scim.Core.Stores;

namespace Scim.AspNetCore;

/// <summary>
/// Every request under the SCIM prefix comes here: it maps the path and method to one call of the
/// provisioning service and the result to the response. No decision about SCIM is made here: every
/// one is the service's; this only translates between HTTP and Scim.Core.
/// </summary>
internal sealed partial class ScimEndpoint(IOptions<ScimHttpOptions> options, ScimBearerTokenGate bearerTokens, ServiceSharing sharing, ILogger<ScimEndpoint> logger)
{
    private const string AllowKey = "Scim.Allow";

    private static readonly string[] ServiceProviderConfigNames = ["ServiceProviderConfig", "ServiceProviderConfigs", "serviceConfiguration"];

    private readonly ScimHttpOptions _options = options.Value;

    public async Task HandleAsync(HttpContext context)
    {
        try
        {
            if (context.GetEndpoint()?.Metadata.GetMetadata<ScimBearerTokenRequired>() is not null && !bearerTokens.Authenticate(context))
            {
                context.Response.Headers.WWWAuthenticate = ScimBearerTokenCheck.Challenge;
                throw new ScimException(401, null, ScimBearerTokenCheck.Unauthenticated);
            }

            await DispatchAsync(context).ConfigureAwait(false);
        }
        catch (ScimException error)
        {
            await WriteErrorIfPossibleAsync(context, error).ConfigureAwait(false);
        }
        catch (BadHttpRequestException error)
        {
            var tooLarge = error.StatusCode == StatusCodes.Status413PayloadTooLarge;
            var service = Service(context);
            await WriteErrorIfPossibleAsync(context, tooLarge
                ? ScimRequests.TooLarge(service.Options.MaxPayloadSize)
                : new ScimException(error.StatusCode, ScimErrorType.InvalidSyntax, "The request could not be read.")).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away; nothing to answer.
        }
#pragma warning disable CA1031 // the last line of defence: an unexpected failure is a 500 SCIM body without internals
        catch (Exception error)
#pragma warning restore CA1031
        {
            LogUnhandled(logger, error, context.Request.Method, context.Request.Path);
            await WriteErrorIfPossibleAsync(context, new ScimException(500, null, "An unexpected error occurred; it has been logged.")).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The request's provisioning service: the shared one when every scope shares it (the request
    /// then needs no service scope of its own), otherwise the request scope's.
    /// </summary>
    private ScimService Service(HttpContext context) => sharing.Shared ?? context.RequestServices.GetRequiredService<ScimService>();

    private static async Task WriteErrorIfPossibleAsync(HttpContext context, ScimException error)
    {
        if (context.Response.HasStarted)
        {
            return;
        }

        var challenge = context.Response.Headers.WWWAuthenticate;
        context.Response.Clear();
        if (error.Status == 401)
        {
            context.Response.Headers.WWWAuthenticate = challenge;
        }

        if (error.Data[AllowKey] is string allow)
        {
            context.Response.Headers.Allow = allow; // a 405 names the methods the resource accepts (RFC 9110 §15.5.6)
        }

        ScimRequests.CloseIfBodyLeftUnread(context);

        await ScimResponses.WriteErrorAsync(context, error).ConfigureAwait(false);
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

        var service = Service(context);
        var first = Uri.UnescapeDataString(segments[0]);
        if (await DiscoveryAsync(context, service, path, segments, first).ConfigureAwait(false))
        {
            return;
        }

        var scim = ScimRequestContext.Create(context, _options, path);
        if (segments.Length == 1 && first.Equals("Bulk", StringComparison.OrdinalIgnoreCase))
        {
            RequireMethod(method, HttpMethods.Post);
            var bulk = await ScimRequests.ReadBodyAsync(context, service.Options.MaxPayloadSize).ConfigureAwait(false);
            await ScimResponses.WriteAsync(context, 200, await service.BulkAsync(scim, bulk, context.RequestAborted).ConfigureAwait(false)).ConfigureAwait(false);
            return;
        }

        if (segments.Length == 1 && first.Equals("Me", StringComparison.OrdinalIgnoreCase))
        {
            if (_options.MeUserId is null)
            {
                throw new ScimException(501, null, "/Me is not supported by this service provider.");
            }

            var me = _options.MeUserId(context) ?? throw ScimException.NotFound("The authenticated subject has no User resource here.");
            await ResourceAsync(context, service, scim, "User", me).ConfigureAwait(false);
            return;
        }

        if (segments.Length == 1 && first.Equals(".search", StringComparison.OrdinalIgnoreCase))
        {
            RequireMethod(method, HttpMethods.Post);
            var search = ScimListRequest.FromSearchRequest(await ScimRequests.ReadBodyAsync(context, service.Options.MaxPayloadSize).ConfigureAwait(false));
            await ScimResponses.WriteAsync(context, 200, await service.SearchAsync(scim, search, context.RequestAborted).ConfigureAwait(false)).ConfigureAwait(false);
            return;
        }

        var type = service.FindResourceType(first) ?? throw ScimException.NotFound($"No SCIM endpoint at '/{path}'.");
        if (!string.Equals(type.Endpoint.TrimStart('/'), first, StringComparison.OrdinalIgnoreCase))
        {
            throw ScimException.NotFound($"No SCIM endpoint at '/{path}': resources of type {type.Name} are at {type.Endpoint}.");
        }

        if (segments.Length == 1)
        {
            await CollectionAsync(context, service, scim, type).ConfigureAwait(false);
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
            var search = ScimListRequest.FromSearchRequest(await ScimRequests.ReadBodyAsync(context, service.Options.MaxPayloadSize).ConfigureAwait(false));
            await ScimResponses.WriteAsync(context, 200, await service.ListAsync(scim, type.Name, search, context.RequestAborted).ConfigureAwait(false)).ConfigureAwait(false);
            return;
        }

        await ResourceAsync(context, service, scim, type.Name, resourceId).ConfigureAwait(false);
    }

    /// <summary>The discovery endpoints (RFC 7644 §4); <see langword="false"/> when the path is none of them.</summary>
    private static async Task<bool> DiscoveryAsync(HttpContext context, ScimService service, string path, string[] segments, string first)
    {
        ScimDocument? document = null;
        if (segments.Length == 1 && ServiceProviderConfigNames.Contains(first, StringComparer.OrdinalIgnoreCase))
        {
            RequireRead(context.Request.Method);
            RefuseFilter(context.Request);
            document = service.GetServiceProviderConfig(ScimRequestContext.Anonymous(context, path));
        }
        else if (first.Equals("ResourceTypes", StringComparison.OrdinalIgnoreCase) && segments.Length <= 2)
        {
            RequireRead(context.Request.Method);
            RefuseFilter(context.Request);
            var discovery = ScimRequestContext.Anonymous(context, path);
            document = segments.Length == 1 ? service.GetResourceTypes(discovery) : service.GetResourceType(discovery, Uri.UnescapeDataString(segments[1]));
        }
        else if (first.Equals("Schemas", StringComparison.OrdinalIgnoreCase) && segments.Length <= 2)
        {
            RequireRead(context.Request.Method);
            RefuseFilter(context.Request);
            var discovery = ScimRequestContext.Anonymous(context, path);
            document = segments.Length == 1 ? service.GetSchemas(discovery) : service.GetSchema(discovery, Uri.UnescapeDataString(segments[1]));
        }

        if (document is null)
        {
            return false;
        }

        await ScimResponses.WriteAsync(context, 200, document).ConfigureAwait(false);
        return true;
    }

    /// <summary>
    /// RFC 7644 §4: the discovery endpoints ignore paging and sorting, but a filter is refused with
    /// 403, so that no client takes the unfiltered answer for the matches of its filter.
    /// </summary>
    private static void RefuseFilter(HttpRequest request)
    {
        if (request.Query.TryGetValue("filter", out var filter) && filter.Any(f => !string.IsNullOrWhiteSpace(f)))
        {
            throw new ScimException(403, null, "The discovery endpoints cannot be filtered (RFC 7644 §4): request them without 'filter'.");
        }
    }

    /// <summary><c>/Users</c>: GET lists, POST creates.</summary>
    private static async Task CollectionAsync(HttpContext context, ScimService service, ScimContext scim, ScimResourceType type)
    {
        var request = context.Request;
        if (IsRead(request.Method))
        {
            var list = await service.ListAsync(scim, type.Name, ScimRequests.ListRequest(request), context.RequestAborted).ConfigureAwait(false);
            await ScimResponses.WriteAsync(context, 200, list).ConfigureAwait(false);
            return;
        }

        if (!HttpMethods.IsPost(request.Method))
        {
            throw MethodNotAllowed(request.Method, "GET, HEAD, POST");
        }

        var body = await ScimRequests.ReadBodyAsync(context, service.Options.MaxPayloadSize).ConfigureAwait(false);
        var created = await service.CreateAsync(scim, type.Name, body, ScimRequests.Options(request), context.RequestAborted).ConfigureAwait(false);
        context.Response.Headers.Location = created.Location?.AbsoluteUri;
        await ScimResponses.WriteAsync(context, 201, created).ConfigureAwait(false);
    }

    /// <summary><c>/Users/{id}</c> (and <c>/Me</c>): GET, PUT, PATCH, DELETE.</summary>
    private async Task ResourceAsync(HttpContext context, ScimService service, ScimContext scim, string type, string id)
    {
        var request = context.Request;
        var method = request.Method;
        if (IsRead(method))
        {
            var found = await service.GetAsync(scim, type, id, ScimRequests.Options(request), context.RequestAborted).ConfigureAwait(false);
            if (found.NotModified)
            {
                context.Response.StatusCode = StatusCodes.Status304NotModified;
                context.Response.Headers.ETag = found.Version;
                return;
            }

            await ScimResponses.WriteAsync(context, 200, found).ConfigureAwait(false);
        }
        else if (HttpMethods.IsPut(method))
        {
            var body = await ScimRequests.ReadBodyAsync(context, service.Options.MaxPayloadSize).ConfigureAwait(false);
            await ScimResponses.WriteAsync(context, 200, await service.ReplaceAsync(scim, type, id, body, ScimRequests.Options(request), context.RequestAborted).ConfigureAwait(false)).ConfigureAwait(false);
        }
        else if (HttpMethods.IsPatch(method))
        {
            var body = await ScimRequests.ReadBodyAsync(context, service.Options.MaxPayloadSize).ConfigureAwait(false);
            bool? returnResource = _options.PatchResponse switch
            {
                ScimPatchResponse.Ok => true,
                ScimPatchResponse.NoContent => false,
                _ => null,
            };
            var patched = await service.PatchAsync(scim, type, id, body, ScimRequests.Options(request, returnResource), context.RequestAborted).ConfigureAwait(false);
            if (patched.BodyOmitted)
            {
                context.Response.StatusCode = StatusCodes.Status204NoContent;
                context.Response.Headers.ETag = patched.Version;
                return;
            }

            await ScimResponses.WriteAsync(context, 200, patched).ConfigureAwait(false);
        }
        else if (HttpMethods.IsDelete(method))
        {
            await service.DeleteAsync(scim, type, id, ScimRequests.Options(request), context.RequestAborted).ConfigureAwait(false);
            context.Response.StatusCode = StatusCodes.Status204NoContent;
        }
        else
        {
            throw MethodNotAllowed(method, "GET, HEAD, PUT, PATCH, DELETE");
        }
    }

    private static void RequireMethod(string method, string allowed)
    {
        if (!string.Equals(method, allowed, StringComparison.OrdinalIgnoreCase))
        {
            throw MethodNotAllowed(method, allowed);
        }
    }

    private static void RequireRead(string method)
    {
        if (!IsRead(method))
        {
            throw MethodNotAllowed(method, "GET, HEAD");
        }
    }

    /// <summary>GET, or HEAD: answered as a GET whose body is not sent (RFC 9110 §9.3.2; see <see cref="ScimResponses"/>).</summary>
    private static bool IsRead(string method) => HttpMethods.IsGet(method) || HttpMethods.IsHead(method);

    private static ScimException MethodNotAllowed(string method, string allowed)
    {
        var error = new ScimException(405, null, $"{method} is not supported here; this endpoint accepts {allowed}.");
        error.Data[AllowKey] = allowed;
        return error;
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Error, Message = "Unhandled error in SCIM {Method} {Path}")]
    private static partial void LogUnhandled(ILogger logger, Exception exception, string method, PathString path);
}
