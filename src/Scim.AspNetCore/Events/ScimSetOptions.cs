using Microsoft.IdentityModel.Tokens;
using Scim.Core.Events;

namespace Scim.AspNetCore.Events;

/// <summary>
/// Change events as Security Event Tokens (RFC 8417, with the SCIM events of RFC 9967), signed and
/// delivered to the receivers registered here: pushed over HTTP (RFC 8935) or collected by polling
/// (RFC 8936). Register with <c>AddScim().AddEventReceivers(o => ...)</c>.
/// </summary>
public sealed class ScimSetOptions
{
    private readonly List<ScimEventReceiver> _receivers = [];

    /// <summary>The <c>iss</c> claim of every SET: this service's issuer name, usually its public base URL. Required.</summary>
    public string Issuer { get; set; } = string.Empty;

    /// <summary>
    /// The key and algorithm SETs are signed with (for example an <c>ECDsaSecurityKey</c> with
    /// <c>SecurityAlgorithms.EcdsaSha256</c>, or an <c>RsaSecurityKey</c> with <c>RsaSha256</c>).
    /// Its public part is published by <c>MapScimEventKeys</c>; give the key a <c>KeyId</c> so
    /// receivers can pick it. <see langword="null"/> signs with a P-256 key generated at startup,
    /// which receivers must fetch again after each restart: fine for trials, not for production.
    /// </summary>
    public SigningCredentials? SigningCredentials { get; set; }

    /// <summary>How long one push request may take before it counts as failed.</summary>
    /// <value>Defaults to ten seconds.</value>
    public TimeSpan PushTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How many times one push is tried at once (with short exponential waits and jitter) before the
    /// attempt counts as failed and the entry waits for the durable retry schedule of
    /// <c>ScimServiceOptions.EventDelivery</c>.
    /// </summary>
    /// <value>Defaults to 3.</value>
    public int PushTries { get; set; } = 3;

    /// <summary>The longest a poll that asks to wait (<c>returnImmediately</c> false) is held open while nothing is waiting.</summary>
    /// <value>Defaults to 30 seconds.</value>
    public TimeSpan LongPollWait { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The receivers, in the order they were added.</summary>
    public IReadOnlyList<ScimEventReceiver> Receivers => _receivers;

    /// <summary>Adds a receiver that SETs are POSTed to (RFC 8935).</summary>
    /// <param name="name">Its name, unique among the receivers; it names its queue, so keep it stable across deployments.</param>
    /// <param name="endpoint">The URL the SETs are POSTed to.</param>
    /// <param name="audience">The <c>aud</c> claim of its SETs.</param>
    /// <param name="configure">Sets its credentials and what it receives.</param>
    /// <returns>The receiver.</returns>
    public ScimEventReceiver AddPushReceiver(string name, Uri endpoint, string audience, Action<ScimEventReceiver>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        var receiver = new ScimEventReceiver(name, audience) { PushEndpoint = endpoint };
        configure?.Invoke(receiver);
        _receivers.Add(receiver);
        return receiver;
    }

    /// <summary>Adds a receiver that collects its SETs from the poll endpoint (RFC 8936; <c>MapScimEventPolling</c>).</summary>
    /// <param name="name">Its name, unique among the receivers; it names its queue, so keep it stable across deployments.</param>
    /// <param name="audience">The <c>aud</c> claim of its SETs.</param>
    /// <param name="token">The bearer token it presents when it polls (keep it secret; only its hash is kept).</param>
    /// <param name="configure">Sets what it receives.</param>
    /// <returns>The receiver.</returns>
    public ScimEventReceiver AddPollReceiver(string name, string audience, string token, Action<ScimEventReceiver>? configure = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(token);
        var receiver = new ScimEventReceiver(name, audience) { PollTokenHash = ScimBearerTokenOptions.Hash(token) };
        configure?.Invoke(receiver);
        _receivers.Add(receiver);
        return receiver;
    }
}

/// <summary>One receiver of SETs: where they go, how it authenticates, and which changes it gets.</summary>
public sealed class ScimEventReceiver
{
    internal ScimEventReceiver(string name, string audience)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentException.ThrowIfNullOrEmpty(audience);
        Name = name;
        Audience = audience;
    }

    /// <summary>The receiver's name (its queue's name).</summary>
    public string Name { get; }

    /// <summary>The <c>aud</c> claim of its SETs.</summary>
    public string Audience { get; }

    /// <summary>For a push receiver: the URL SETs are POSTed to; <see langword="null"/> for a poll receiver.</summary>
    public Uri? PushEndpoint { get; internal init; }

    /// <summary>For a push receiver: the <c>Authorization</c> header sent with each SET (for example <c>Bearer ...</c>), or <see langword="null"/> for none.</summary>
    public string? Authorization { get; set; }

    /// <summary>The tenants whose changes it receives; empty for every tenant.</summary>
    public ISet<string> Tenants { get; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>The kinds of change it receives; empty for every kind.</summary>
    public ISet<ScimChangeKind> Kinds { get; } = new HashSet<ScimChangeKind>();

    /// <summary>
    /// Whether creates, replaces and patches are sent as RFC 9967's <c>full</c> events, carrying the
    /// resource as it is after the change (without its group members, which travel as ids), rather
    /// than <c>notice</c> events, which carry the names of the changed attributes only.
    /// </summary>
    /// <value>Defaults to <see langword="false"/> (notice events).</value>
    public bool FullEvents { get; set; }

    /// <summary>For a poll receiver: the hash of its token.</summary>
    internal byte[]? PollTokenHash { get; init; }

    /// <summary>Whether it receives a change.</summary>
    internal bool Wants(ScimChangeEvent change) =>
        (Tenants.Count == 0 || Tenants.Contains(change.Tenant)) && (Kinds.Count == 0 || Kinds.Contains(change.Kind));

    /// <inheritdoc />
    public override string ToString() => PushEndpoint is null ? $"{Name} (poll, {Audience})" : $"{Name} (push to {PushEndpoint}, {Audience})";
}
