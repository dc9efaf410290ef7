using Scim.Core.Events;

namespace Scim.Core.Stores;

/// <summary>
/// Who is asking, on whose behalf: the tenant whose data a call may touch and the client (the
/// identity provider connection) doing the provisioning. Every store call and every change event
/// carries one, so a store can scope its queries and writes to the tenant and record the actor.
/// </summary>
public sealed class ScimContext
{
    /// <summary>The tenant used by hosts that serve a single organisation.</summary>
    public const string DefaultTenant = "default";

    /// <summary>Creates a context.</summary>
    /// <param name="tenant">The tenant id; a store must never let a call of one tenant read or change another's data.</param>
    /// <param name="actor">The acting client (for example the token's name or the OAuth client id), for auditing; <see langword="null"/> when unknown.</param>
    /// <exception cref="ArgumentException"><paramref name="tenant"/> is empty.</exception>
    public ScimContext(string tenant, string? actor = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenant);
        Tenant = tenant;
        Actor = actor;
    }

    /// <summary>The tenant id.</summary>
    public string Tenant { get; }

    /// <summary>The acting client, or <see langword="null"/> when unknown.</summary>
    public string? Actor { get; }

    /// <summary>
    /// The absolute base URL of the SCIM service for this request (for example
    /// <c>https://app.example.com/scim/v2</c>), used for <c>meta.location</c> and <c>$ref</c>;
    /// <see langword="null"/> leaves them out. A trailing slash is ignored.
    /// </summary>
    public string? BaseUrl { get; init; }

    /// <summary>
    /// The change event of the write this context is handed to, for a store that keeps events in
    /// the same transaction as its changes (a transactional outbox; see <see cref="ScimEventDraft"/>).
    /// <see langword="null"/> for reads, and when nothing consumes events. A store without an
    /// outbox ignores it.
    /// </summary>
    public ScimEventDraft? Events { get; private init; }

    /// <summary>This context for one write, carrying its event draft.</summary>
    internal ScimContext WithEvents(ScimEventDraft? draft) =>
        draft is null ? this : new ScimContext(Tenant, Actor) { BaseUrl = BaseUrl, Events = draft };

    /// <summary>A context for the <see cref="DefaultTenant"/> with no named actor, for single-tenant hosts, jobs and tests.</summary>
    public static ScimContext Default { get; } = new(DefaultTenant);

    /// <inheritdoc />
    public override string ToString() => Actor is null ? Tenant : $"{Tenant} ({Actor})";
}
