using Scim.Core.Bulk;
using Scim.Core.Discovery;
using Scim.Core.Filtering;
using Scim.Core.Patching;
using Scim.Core.Serialization;

namespace Scim.Core.Provisioning;

/// <summary>
/// Everything a host decides about its SCIM service, in one place: limits, reading and PATCH
/// rules, bulk, and what <c>/ServiceProviderConfig</c> says beyond what the service computes
/// itself. Set it with <c>AddScim().ConfigureService(o =&gt; ...)</c> (or <c>services.Configure</c>);
/// it is checked when the app starts, and a bad value stops the app with a message naming it.
/// </summary>
public sealed class ScimServiceOptions
{
    /// <summary>
    /// Whether <c>externalId</c> must be unique per tenant (RFC 7643 leaves it to the service
    /// provider). The service checks before each write that sets it, and the in-memory store
    /// enforces it atomically; a host store that enforces it answers <c>Conflict</c> with <c>externalId</c>.
    /// </summary>
    /// <value>Defaults to <see langword="false"/>.</value>
    public bool UniqueExternalId { get; set; }

    /// <summary>
    /// What a group write does with a member that is not a user or group of the tenant (an id the
    /// client sent before creating the resource, or one of a kind this group cannot hold): refuse
    /// the request, or leave the member out and log a warning. Unresolved <c>bulkId</c> references
    /// in Bulk still fail their operation either way.
    /// </summary>
    /// <value>Defaults to <see cref="UnknownMemberHandling.Reject"/>: referential integrity, which a host's foreign keys need.</value>
    public UnknownMemberHandling UnknownMembers { get; set; } = UnknownMemberHandling.Reject;

    /// <summary>
    /// Whether change events carry the values before and after of every changed attribute
    /// (sensitive ones redacted). Without it, they carry those of <c>active</c>, <c>roles</c> and
    /// <c>entitlements</c> alone, when these change (group membership travels as member ids).
    /// </summary>
    /// <value>Defaults to <see langword="false"/>.</value>
    public bool EventValues { get; set; }

    /// <summary>
    /// Whether each event of a create, replace or patch carries the resource as it is after the change
    /// (<c>ScimChangeEvent.Resource</c>; without group members and secrets), as RFC 9967's <c>full</c>
    /// events need. Event receivers that ask for full events turn it on.
    /// </summary>
    /// <value>Defaults to <see langword="false"/>.</value>
    public bool EventResources { get; set; }

    /// <summary>The RFC 9967 event URIs the service publishes as SETs (set by the event receivers' registration), advertised as <c>securityEvents</c>.</summary>
    internal SortedSet<string> SecurityEventUris { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Members a protocol extension the host enabled adds to /ServiceProviderConfig (the agent
    /// drafts' <c>agentExtension</c>, set by <c>AddAgents()</c>), by name, written after the standard ones.
    /// </summary>
    internal SortedDictionary<string, System.Text.Json.Nodes.JsonObject> ServiceProviderConfigMembers { get; } = new(StringComparer.Ordinal);

    /// <summary>The page size when a list request gives no <c>count</c> (advertised as <c>pagination.defaultPageSize</c>).</summary>
    /// <value>Defaults to 100.</value>
    public int DefaultCount { get; set; } = 100;

    /// <summary>The largest page served (<c>filter.maxResults</c>, <c>pagination.maxPageSize</c>); larger <c>count</c> values are lowered to it.</summary>
    /// <value>Defaults to 1,000.</value>
    public int MaxCount { get; set; } = 1000;

    /// <summary>How many times a PATCH, PUT or DELETE that lost a race (the resource changed between read and write) is retried before 409.</summary>
    /// <value>Defaults to 8.</value>
    public int MaxWriteRetries { get; set; } = 8;

    /// <summary>The largest request body accepted, in bytes (<c>bulk.maxPayloadSize</c>); a larger body is 413.</summary>
    /// <value>Defaults to 1,048,576 (1 MiB).</value>
    public int MaxPayloadSize { get; set; } = 1_048_576;

    /// <summary>
    /// Whether clients may set a user's <c>password</c> (<c>changePassword.supported</c>). When
    /// <see langword="false"/>, a POST, PUT or PATCH that carries a password is 400 <c>mutability</c>.
    /// A user store that keeps no password (the EF Core stores, unless a host's map maps
    /// <c>password</c>) makes it <see langword="false"/> whatever is set here.
    /// </summary>
    /// <value>Defaults to <see langword="true"/>.</value>
    public bool ChangePasswordSupported { get; set; } = true;

    /// <summary>A page of human-readable help about the service (<c>documentationUri</c>), or <see langword="null"/>.</summary>
    /// <value>Defaults to <see langword="null"/>.</value>
    public Uri? DocumentationUri { get; set; }

    /// <summary>
    /// The authentication schemes clients use (<c>authenticationSchemes</c>, REQUIRED by RFC 7643 §5).
    /// Registering the built-in bearer tokens adds <see cref="AuthenticationScheme.OAuthBearerToken"/>
    /// when the list is still empty; a host with its own authentication describes it here.
    /// </summary>
    /// <value>Defaults to empty.</value>
    public IList<AuthenticationScheme> AuthenticationSchemes { get; } = [];

    /// <summary>How request bodies are read (unknown attributes, ignored schema prefixes, nesting); PATCH values follow the same rules.</summary>
    public ScimSerializerOptions Reading { get; } = new();

    /// <summary>PATCH dialects and limits.</summary>
    public PatchOptions Patch { get; } = new();

    /// <summary>Filter limits and leniency.</summary>
    public FilterOptions Filter { get; } = new();

    /// <summary>Bulk (RFC 7644 §3.7).</summary>
    public BulkOptions Bulk { get; } = new();

    /// <summary>How change events reach the subscribers (retries, outbox polling and retention, the in-process queue).</summary>
    public Events.ScimEventDeliveryOptions EventDelivery { get; } = new();
}
