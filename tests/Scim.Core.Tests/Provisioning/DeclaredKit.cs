using Scim.Core.InMemory;
using Scim.Core.Provisioning;
using Scim.Core.Schema;
using Scim.Core.Serialization;

namespace Scim.Core.Tests.Provisioning;

/// <summary>
/// A service over in-memory stores whose registry got the host's declarations first (what a store
/// over an existing table keeps), with the group store behind a <see cref="SpyGroupStore"/>.
/// </summary>
internal sealed class DeclaredKit : IDisposable
{
    public DeclaredKit(Action<SchemaRegistry> declare, ScimServiceOptions? options = null)
    {
        Registry = SchemaRegistry.CreateDefault();
        declare(Registry);

        // As in the container: the engine (which freezes the registry) is built before the stores.
        var engine = new ScimEngine(Registry, options ?? new ScimServiceOptions());
        Users = new InMemoryUserStore(Registry);
        Groups = new SpyGroupStore(new InMemoryGroupStore(Registry));
        Service = new ScimService(engine, Users, Groups, new Scim.Core.Events.InlineDelivery([Events]), null, null);
    }

    /// <summary>The declaration of a store over a narrow users table: userName, name.givenName, active, emails and the enterprise department.</summary>
    public static Action<SchemaRegistry> NarrowUsers { get; } = r =>
        r.DeclareStoredAttributes("User", ["userName", "name.givenName", "active", "emails", $"{ScimSchemaUris.EnterpriseUser}:department"]);

    /// <summary>Options that drop unknown attributes instead of refusing them.</summary>
    public static ScimServiceOptions Ignoring => new() { Reading = { UnknownAttributes = UnknownAttributeHandling.Ignore } };

    public SchemaRegistry Registry { get; }

    public InMemoryUserStore Users { get; }

    public SpyGroupStore Groups { get; }

    public RecordingSubscriber Events { get; } = new();

    public ScimService Service { get; }

    public void Dispose()
    {
        Users.Dispose();
        Groups.Inner.Dispose();
    }
}
