using Scim.Core.Diagnostics;
using Scim.Core.Errors;
using Scim.Core.Filtering;
using Scim.Core.Projection;
using Scim.Core.Querying;
using Scim.Core.Resources;
using Scim.Core.Schema;
using Scim.Core.Stores;
using Scim.Core.Versioning;

namespace Scim.Core.Provisioning;

// The reads: GET by id, lists (GET with a filter, POST .search) and the search across every type.
public sealed partial class ScimService
{
    /// <summary>Gets one resource (GET by id).</summary>
    /// <param name="context">Tenant, actor and base URL.</param>
    /// <param name="resourceType">The resource type name or endpoint.</param>
    /// <param name="id">The id.</param>
    /// <param name="options">Projection, and <c>If-None-Match</c>.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The resource; <see cref="ScimResourceResult.NotModified"/> when <c>If-None-Match</c> names its version.</returns>
    /// <exception cref="ScimException">404 when the tenant has no such resource.</exception>
    public Task<ScimResourceResult> GetAsync(ScimContext context, string resourceType, string id, ScimRequestOptions? options = null, CancellationToken cancellationToken = default) =>
        ScimTelemetry.Observe("get", TypeNameOf(resourceType), context, (this, context, resourceType, id, options, cancellationToken), static s => s.Item1.GetCoreAsync(s.context, s.resourceType, s.id, s.options, s.cancellationToken));

    private async Task<ScimResourceResult> GetCoreAsync(ScimContext context, string resourceType, string id, ScimRequestOptions? options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(id);
        var type = Require(resourceType, id);
        var projection = ProjectionOf(type.Type, options);
        var conditional = options?.IfNoneMatch is not null || options?.IfMatch is not null;
        var hints = conditional ? projection.Hints : projection.Hints.OnReplica;
        var resource = await type.GetAsync(context, id, hints, cancellationToken).ConfigureAwait(false) ?? throw NotFound(type, id);
        var result = await ResultAsync(context, type, resource, projection, changed: false, cancellationToken, read: true).ConfigureAwait(false);
        if (!ResourceVersion.SatisfiesIfMatch(options?.IfMatch, result.Version) && !ResourceVersion.SatisfiesIfMatch(options?.IfMatch, resource.Meta?.Version ?? string.Empty))
        {
            throw PreconditionFailed(type, id); // RFC 9110 §13.1.1: a GET whose If-Match fails is not performed
        }

        if (!ResourceVersion.SatisfiesIfNoneMatch(options?.IfNoneMatch, result.Version))
        {
            result.NotModified = true;
        }

        return result;
    }

    /// <summary>Lists resources of one type (GET with filter, or POST <c>/Users/.search</c>).</summary>
    /// <param name="context">Tenant, actor and base URL.</param>
    /// <param name="resourceType">The resource type name or endpoint.</param>
    /// <param name="request">Filter, sort, paging and projection.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The page.</returns>
    /// <exception cref="ScimException">400 <c>invalidFilter</c>, <c>invalidPath</c>, <c>invalidCursor</c>...</exception>
    public Task<ScimListResult> ListAsync(ScimContext context, string resourceType, ScimListRequest? request = null, CancellationToken cancellationToken = default) =>
        ScimTelemetry.Observe("list", TypeNameOf(resourceType), context, (this, context, resourceType, request, cancellationToken), static s => s.Item1.ListCoreAsync(s.context, s.resourceType, s.request, s.cancellationToken));

    private async Task<ScimListResult> ListCoreAsync(ScimContext context, string resourceType, ScimListRequest? request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var type = Require(resourceType);
        request ??= new ScimListRequest();
        var projection = _engine.Projection(type.Type, request.Attributes, request.ExcludedAttributes);
        var query = QueryOf(type.Type, request, projection, out var matchesNothing);
        var page = matchesNothing
            ? new ScimPage<ScimResource>([], 0) // the filter names only what the type does not have: no store call
            : await type.QueryAsync(context, query, cancellationToken).ConfigureAwait(false);
        var results = await ResultsAsync(context, type, page.Resources, projection, cancellationToken).ConfigureAwait(false);
        return new ScimListResult(results, page.TotalResults, query.StartIndex, page.NextCursor, query.UsesCursor);
    }

    /// <summary>
    /// Searches every served resource type at once (<c>POST /.search</c>, RFC 7644 §3.4.3): the
    /// matches of each type, one type after the other, paged as one list. A comparison on an
    /// attribute a type does not define is, for that type, one on an unassigned attribute; a filter
    /// naming an attribute no type defines is 400.
    /// </summary>
    /// <param name="context">Tenant, actor and base URL.</param>
    /// <param name="request">Filter, sort, index paging and projection (cursor paging is not offered across types).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The page.</returns>
    /// <exception cref="ScimException">400 for a filter no type can express, or a cursor.</exception>
    public Task<ScimListResult> SearchAsync(ScimContext context, ScimListRequest request, CancellationToken cancellationToken = default) =>
        ScimTelemetry.Observe("search", null, context, (this, context, request, cancellationToken), static s => s.Item1.SearchCoreAsync(s.context, s.request, s.cancellationToken));

    private async Task<ScimListResult> SearchCoreAsync(ScimContext context, ScimListRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(request);
        if (request.Cursor is not null)
        {
            throw ScimException.BadRequest(ScimErrorType.InvalidValue, "Cursor paging is not offered for searches across resource types; use startIndex and count.");
        }

        // A comparison that applies to no served type (an attribute none defines, a complex one
        // compared as a simple value) is the client's mistake: 400, as for one type. One that
        // applies to some types only is not: each type answers its part.
        if (!string.IsNullOrWhiteSpace(request.Filter))
        {
            foreach (var leaf in Comparisons(ScimFilterParser.Parse(request.Filter, Options.Filter)))
            {
                if (!_resourceTypes.Any(t => _engine.AppliesAcrossTypes(leaf, t)))
                {
                    string? reason = null;
                    try
                    {
                        _engine.Filter(_resourceTypes[0], leaf.ToString()!);
                    }
                    catch (ScimException error)
                    {
                        reason = error.Detail;
                    }

                    throw ScimException.BadRequest(ScimErrorType.InvalidFilter, $"No resource type served here can compare '{leaf}'{(reason is null ? "." : ": " + reason)}");
                }
            }
        }

        var wanted = Math.Clamp(request.Count ?? Options.DefaultCount, 0, Options.MaxCount);
        var skip = Math.Max(1, request.StartIndex ?? 1) - 1;
        var total = 0;
        var resources = new List<ScimResourceResult>();
        ScimException? lastError = null;
        var answered = 0;
        foreach (var type in _resourceTypes)
        {
            ScimListResult counted;
            try
            {
                counted = await ListAsync(context, type.Name, new ScimListRequest { Filter = request.Filter, Count = 0, AcrossTypes = true }, cancellationToken).ConfigureAwait(false);
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

            var page = await ListAsync(context, type.Name, new ScimListRequest
            {
                Filter = request.Filter,
                SortBy = request.SortBy,
                SortOrder = request.SortOrder,
                StartIndex = from + 1,
                Count = room,
                Attributes = request.Attributes,
                ExcludedAttributes = request.ExcludedAttributes,
                AcrossTypes = true,
            }, cancellationToken).ConfigureAwait(false);
            resources.AddRange(page.Resources);
        }

        if (answered == 0 && lastError is not null)
        {
            throw lastError;
        }

        return new ScimListResult(resources, total, skip + 1, null, cursorPaging: false);
    }

    /// <summary>The comparisons of a filter, value paths whole.</summary>
    private static IEnumerable<FilterExpression> Comparisons(FilterExpression filter)
    {
        var pending = new Stack<FilterExpression>([filter]);
        while (pending.TryPop(out var next))
        {
            switch (next)
            {
                case AndFilter and: pending.Push(and.Left); pending.Push(and.Right); break;
                case OrFilter or: pending.Push(or.Left); pending.Push(or.Right); break;
                case NotFilter not: pending.Push(not.Inner); break;
                default: yield return next; break;
            }
        }
    }

    /// <summary>
    /// Refuses a filter or a sort on an attribute the service derives as it reads a host type's
    /// resources (an agent's <c>groups</c>, its <c>applications</c>): the store holds no such
    /// values, so it would answer as if no resource had any.
    /// </summary>
    private void RefuseDerived(ScimResourceType type, HashSet<string> derived, FilterExpression? filter, string? sortBy)
    {
        var pending = new Stack<FilterExpression>();
        if (filter is not null)
        {
            pending.Push(filter);
        }

        while (pending.TryPop(out var node))
        {
            AttributePath? path = null;
            switch (node)
            {
                case ComparisonFilter comparison: path = comparison.Path; break;
                case PresentFilter present: path = present.Path; break;
                case ValuePathFilter valuePath: path = valuePath.Path; break;
                case AndFilter and: pending.Push(and.Left); pending.Push(and.Right); break;
                case OrFilter or: pending.Push(or.Left); pending.Push(or.Right); break;
                case NotFilter not: pending.Push(not.Inner); break;
            }

            if (path is not null && (path.SchemaUri is null || string.Equals(path.SchemaUri, type.Schema, StringComparison.OrdinalIgnoreCase)) && derived.Contains(path.Name))
            {
                throw ScimException.BadRequest(ScimErrorType.InvalidFilter, $"Filtering on '{path.Name}' is not supported: the service derives it as it reads each {type.Name}, and the store does not hold it.");
            }
        }

        if (sortBy is not null && Registry.TryResolveAttribute(type, sortBy, out var sorted, out _) && !sorted.IsExtension && derived.Contains(sorted.Attribute.Name))
        {
            throw ScimException.BadRequest(ScimErrorType.InvalidPath, $"Sorting by '{sortBy}' is not supported: the service derives '{sorted.Attribute.Name}' as it reads each {type.Name}, and the store does not hold it.");
        }
    }

    private ScimQuery QueryOf(ScimResourceType type, ScimListRequest request, ScimProjection projection, out bool matchesNothing)
    {
        FilterExpression? filter = null;
        matchesNothing = false;
        if (!string.IsNullOrWhiteSpace(request.Filter))
        {
            filter = _engine.ListFilter(type, request.Filter, request.AcrossTypes, out matchesNothing);
        }

        if (request.SortBy is not null && !Registry.TryResolveAttribute(type, request.SortBy, out _, out var sortError))
        {
            throw ScimException.BadRequest(ScimErrorType.InvalidPath, $"sortBy '{request.SortBy}': {sortError}");
        }

        if (_derivedOnRead.TryGetValue(type, out var derived))
        {
            RefuseDerived(type, derived, filter, request.SortBy);
        }

        if (request.Cursor is not null && !SupportsCursorPaging)
        {
            throw ScimException.BadRequest(ScimErrorType.InvalidValue, "Cursor paging is not supported by this service; page with startIndex and count.");
        }

        return new ScimQuery
        {
            Filter = filter,
            SortBy = request.SortBy,
            SortOrder = ScimSorter.ParseOrder(request.SortOrder),
            StartIndex = Math.Max(1, request.StartIndex ?? 1),
            Count = Math.Clamp(request.Count ?? Options.DefaultCount, 0, Options.MaxCount),
            Cursor = request.Cursor,
            Hints = projection.Hints.OnReplica,
        };
    }

    private async ValueTask<ScimResourceResult[]> ResultsAsync(ScimContext context, ServedType type, IReadOnlyList<ScimResource> resources, ScimProjection projection, CancellationToken cancellationToken)
    {
        var results = new ScimResourceResult[resources.Count];
        var locations = new ResourceLocations(context.BaseUrl, type.Type);
        if (resources.Count == 1)
        {
            // A lookup's one user (the usual list an IdP asks for) takes the single-user path for its groups.
            var only = resources[0];
            var groups = WithGroups(type, projection) ? await GroupsOfAsync(context, type, only, read: true, cancellationToken).ConfigureAwait(false) : null;
            results[0] = new ScimResourceResult(type.Type, only, projection, locations, groups, changed: false, await DerivedAsync(context, type, projection, only, cancellationToken).ConfigureAwait(false));
        }
        else
        {
            var ids = new string[resources.Count];
            for (var i = 0; i < ids.Length; i++)
            {
                ids[i] = resources[i].Id!;
            }

            // The groups come back by position, so no user's id is hashed to find its own.
            var groups = !WithGroups(type, projection) || resources.Count == 0 ? null
                : CarriesGroups(type) ? await _derivedGroups!.OfReadUsersAsync(context, resources, ids, cancellationToken).ConfigureAwait(false)
                : await _derivedGroups!.OfUsersAsync(context, ids, cancellationToken).ConfigureAwait(false);
            var derived = resources.Count > 0 && _inverses.Derives(type, projection)
                ? await _inverses.OfAsync(context, type, projection, ids, cancellationToken).ConfigureAwait(false)
                : null;
            for (var i = 0; i < results.Length; i++)
            {
                var resource = resources[i];
                results[i] = new ScimResourceResult(type.Type, resource, projection, locations, groups?[i], changed: false, derived?.GetValueOrDefault(ids[i]));
            }
        }

        return results;
    }

    private async ValueTask<ScimResourceResult> ResultAsync(ScimContext context, ServedType type, ScimResource resource, ScimProjection projection, bool changed, CancellationToken cancellationToken, bool created = false, bool read = false)
    {
        // A resource just created is in no group yet: its groups are not asked for.
        var groups = !created && WithGroups(type, projection) ? await GroupsOfAsync(context, type, resource, read, cancellationToken).ConfigureAwait(false) : null;
        var derived = created ? null : await DerivedAsync(context, type, projection, resource, cancellationToken).ConfigureAwait(false);
        return new ScimResourceResult(type.Type, resource, projection, new ResourceLocations(context.BaseUrl, type.Type), groups, changed, derived);
    }

    /// <summary>One resource's derived references (an agent's applications), when its type and the projection have any.</summary>
    private async ValueTask<System.Text.Json.Nodes.JsonObject?> DerivedAsync(ScimContext context, ServedType type, ScimProjection projection, ScimResource resource, CancellationToken cancellationToken) =>
        _inverses.Derives(type, projection)
            ? (await _inverses.OfAsync(context, type, projection, [resource.Id!], cancellationToken).ConfigureAwait(false)).GetValueOrDefault(resource.Id!)
            : null;

    /// <summary>
    /// One resource's derived <c>groups</c>: from the direct groups its store read with it (a read of
    /// a user store that carries them, see <see cref="IUserGroupsStore"/>), else from the group store.
    /// </summary>
    private ValueTask<List<UserGroup>?> GroupsOfAsync(ScimContext context, ServedType type, ScimResource resource, bool read, CancellationToken cancellationToken) =>
        read && CarriesGroups(type) && resource is User user
            ? _derivedGroups!.OfReadUserAsync(context, user, cancellationToken)
            : _derivedGroups!.OfUserAsync(context, resource.Id!, cancellationToken);

    /// <summary>Whether the resources a read of this type returns carry their direct groups (users, of a store that reads them).</summary>
    private bool CarriesGroups(ServedType type) => _usersCarryGroups && ReferenceEquals(type, _users);

    /// <summary>Whether results of this type and projection carry derived <c>groups</c> (a user's, or a host type's that may be a member).</summary>
    private bool WithGroups(ServedType type, ScimProjection projection) => _derivedGroups is not null && _derivesGroups.Contains(type) && projection.Includes("groups");
}
