using Scim.Core.Caching;
using Scim.Core.Filtering;
using Scim.Core.Patching;
using Scim.Core.Projection;
using Scim.Core.Schema;
using Scim.Core.Serialization;

namespace Scim.Core.Provisioning;

/// <summary>
/// The stateless, cache-holding parts of the service, built once and shared by every request (a
/// singleton in DI): the frozen schemas, the options, the reader, the PATCH and PUT appliers and the
/// filter binder, all configured from the one <see cref="ScimServiceOptions"/>.
/// </summary>
internal sealed class ScimEngine
{
    private const int MaxProjections = 1024;

    private readonly BoundedCache<(ScimResourceType Type, string? Attributes, string? Excluded), ScimProjection> _projections = new(MaxProjections);

    public ScimEngine(SchemaRegistry registry, ScimServiceOptions options)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(options);
        ScimServiceOptionsValidator.ThrowIfInvalid(options);
        registry.Freeze();
        Registry = registry;
        Options = options;
        // POST, PUT and Bulk bodies accept the value dialects that the PATCH options allow for bodies.
        Serializer = new ScimSerializer(registry, options.Reading, ScimPatcher.BodyLeniency(options.Patch.Dialects));
        Patcher = new ScimPatcher(registry, options.Patch, options.Filter, options.Reading);
        Replacer = new ScimReplacer(registry);
        Binder = new FilterBinder(registry, options.Filter);
        AcceptsPasswords = options.ChangePasswordSupported && registry.FindResourceType("User") is { } user && registry.Keeps(user, "password");
    }

    /// <summary>
    /// Whether a request may set a user's password (<c>changePassword.supported</c>): the options
    /// allow it and the user store keeps it. Decided here, once, for discovery and for every write.
    /// </summary>
    public bool AcceptsPasswords { get; }

    public SchemaRegistry Registry { get; }

    /// <summary>The unknown attributes (by resource type) already logged as a warning, shared by every request of the service (see <see cref="IgnoredInput"/>).</summary>
    public BoundedCache<string, bool> ReportedUnknownAttributes { get; } = new(512, StringComparer.OrdinalIgnoreCase);

    /// <summary>The gates writers of one resource take turns at after a lost race (shared by every request of the service).</summary>
    public WriteGates Gates { get; } = new();

    public ScimServiceOptions Options { get; }

    public ScimSerializer Serializer { get; }

    public ScimPatcher Patcher { get; }

    public ScimReplacer Replacer { get; }

    public FilterBinder Binder { get; }

    /// <summary>
    /// A list filter parsed and checked against the resource type. Not cached: IdP lookups carry a
    /// different value each time, and parsing one costs less than a cache that keeps turning over.
    /// </summary>
    public FilterExpression Filter(ScimResourceType type, string text)
    {
        var filter = ScimFilterParser.Parse(text, Options.Filter);
        Binder.Bind(filter, type); // unknown attributes and type mismatches fail here, before any store sees the filter
        return filter;
    }

    /// <summary>
    /// The ServiceProviderConfig, computed on first use and kept: the stores a service is built with
    /// are the same registrations in every scope, so what they can do does not change.
    /// </summary>
    public Discovery.ServiceProviderConfiguration Configuration(bool cursorPaging, TimeSpan? cursorTimeout) =>
        _configuration ??= Discovery.ServiceProviderConfiguration.From(Options, AcceptsPasswords, cursorPaging, cursorTimeout);

    private Discovery.ServiceProviderConfiguration? _configuration;

    /// <summary>The projection of a request, cached by its parameters (a projection is immutable).</summary>
    public ScimProjection Projection(ScimResourceType type, string? attributes, string? excluded) =>
        _projections.GetOrAdd((type, attributes, excluded), static (key, engine) => ScimProjection.Create(engine.Registry, key.Type, key.Attributes, key.Excluded, engine.Binder), this);
}
