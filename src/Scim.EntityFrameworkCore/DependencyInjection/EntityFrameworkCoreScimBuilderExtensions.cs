using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Scim.Core;
using Scim.Core.Events;
using Scim.Core.Provisioning;
using Scim.Core.Schema;
using Scim.Core.Stores;
using Scim.EntityFrameworkCore;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the EF Core stores.</summary>
public static class EntityFrameworkCoreScimBuilderExtensions
{
    /// <summary>
    /// Uses EF Core stores over the host's own entity classes in <typeparamref name="TContext"/>:
    /// map the user entity (and the group entity with its membership entity) to SCIM attributes,
    /// and the stores read and write them, with filters, sorting and paging translated to SQL. The
    /// attributes mapped are declared to the service, so <c>/Schemas</c> lists exactly those.
    /// The stores take a context from the host's <c>IDbContextFactory&lt;TContext&gt;</c> when one
    /// is registered (one per operation), else the request scope's <typeparamref name="TContext"/>.
    /// </summary>
    /// <typeparam name="TContext">The host's DbContext.</typeparam>
    /// <param name="builder">The builder <c>AddScim()</c> returned.</param>
    /// <param name="stores">Maps the entities.</param>
    /// <returns>The builder.</returns>
    public static ScimBuilder AddEntityFrameworkCoreStores<TContext>(this ScimBuilder builder, Action<EntityStoresBuilder<TContext>> stores)
        where TContext : DbContext
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(stores);
        stores(new EntityStoresBuilder<TContext>(builder));
        return builder;
    }

    /// <summary>
    /// Uses EF Core stores over the tables <see cref="ScimModelBuilderExtensions.ApplyScimModel"/>
    /// adds to <typeparamref name="TContext"/> (call it from the context's <c>OnModelCreating</c>
    /// and add a migration): every attribute of User, Enterprise User and Group is kept, other
    /// extension schemas as JSON; groups may nest; ids are the service's; many tenants share the
    /// tables. The stores take a context from <c>IDbContextFactory&lt;TContext&gt;</c> when one is
    /// registered (one per operation), else the request scope's <typeparamref name="TContext"/>.
    /// </summary>
    /// <typeparam name="TContext">The host's DbContext, whose model includes the SCIM tables.</typeparam>
    /// <param name="builder">The builder <c>AddScim()</c> returned.</param>
    /// <returns>The builder.</returns>
    public static ScimBuilder AddEntityFrameworkCoreStores<TContext>(this ScimBuilder builder)
        where TContext : DbContext
    {
        ArgumentNullException.ThrowIfNull(builder);
        var stores = new EntityStoresBuilder<TContext>(builder);
        var membership = new ScimMembership();
        stores.Register(ScimModelMaps.Users(), "User", declare: false);
        builder.Registry.DeclareNotKept("User", "password"); // the tables have no column for it
        stores.AddStore(ServiceDescriptor.Scoped<IUserStore>(sp => new ScimUserStore<TContext>(sp, sp.GetRequiredService<EntityStoreShared<ScimUserEntity>>())));
        stores.RegisterGroups(ScimModelMaps.Groups(), membership, declareMembers: false);
        return builder;
    }

    /// <summary>
    /// Sends the EF Core stores' plain reads (GET by id, lists, <c>.search</c>) to a read replica,
    /// while writes, the reads a write makes (the state a PATCH applies to, member and uniqueness
    /// checks) and conditional reads (<c>If-None-Match</c>, <c>If-Match</c>) stay on the primary
    /// (see <see cref="Scim.Core.Stores.ReadHints.AllowsReplica"/>). A replica lags: a GET right
    /// after a write, on this instance or another, may return the state before it, or 404 for a
    /// resource just created; a version check never does. The contexts must be configured with a
    /// connection string (not a <c>DbConnection</c>); each read switches its context's connection
    /// string to the replica's and back.
    /// </summary>
    /// <param name="builder">The builder <c>AddScim()</c> returned.</param>
    /// <param name="connectionString">The replica's connection string, for the same provider and schema as the primary.</param>
    /// <returns>The builder.</returns>
    public static ScimBuilder AddEntityFrameworkCoreReadReplica(this ScimBuilder builder, string connectionString)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        builder.Services.Replace(ServiceDescriptor.Singleton(new EntityReadReplica(connectionString)));
        return builder;
    }
}

/// <summary>Maps a host's entity classes to the SCIM resource types (see <c>AddEntityFrameworkCoreStores</c>).</summary>
/// <typeparam name="TContext">The host's DbContext.</typeparam>
public sealed class EntityStoresBuilder<TContext>
    where TContext : DbContext
{
    private readonly ScimBuilder _scim;

    internal EntityStoresBuilder(ScimBuilder scim)
    {
        _scim = scim;

        // The outbox the stores write events into, when the model has it (ApplyScimEvents).
        scim.Services.TryAddSingleton<IScimEventOutbox>(sp => new EntityEventOutbox<TContext>(sp));

        // The event receivers' queue (push and poll, RFC 8935 / 8936), in the same database.
        scim.Services.TryAddSingleton<IScimReceiverQueue>(sp => new EntityReceiverQueue<TContext>(sp));

        // What a request's reads learnt about nested groups, handed from its user store to its group store.
        scim.Services.TryAddSingleton<KnownNesting>();
    }

    /// <summary>Stores users in <typeparamref name="TUser"/> rows.</summary>
    /// <typeparam name="TUser">The user entity class (with a parameterless constructor).</typeparam>
    /// <param name="map">Names its key and maps its members to User attributes; <c>userName</c> must be mapped.</param>
    /// <returns>This builder.</returns>
    public EntityStoresBuilder<TContext> Users<TUser>(Action<EntityMap<TUser>> map)
        where TUser : class
    {
        ArgumentNullException.ThrowIfNull(map);
        var users = new EntityMap<TUser>();
        map(users);
        Register(users, "User", declare: true);
        return this;
    }

    /// <summary>Stores groups in <typeparamref name="TGroup"/> rows and their members in <typeparamref name="TMember"/> rows (one per group and member user).</summary>
    /// <typeparam name="TGroup">The group entity class (with a parameterless constructor).</typeparam>
    /// <typeparam name="TMember">The membership (join) entity class.</typeparam>
    /// <param name="map">Names the group's key and maps its members to Group attributes; <c>displayName</c> must be mapped.</param>
    /// <param name="members">Names the membership entity's group key and user key.</param>
    /// <returns>This builder.</returns>
    public EntityStoresBuilder<TContext> Groups<TGroup, TMember>(Action<EntityMap<TGroup>> map, Action<MembershipMap<TMember>> members)
        where TGroup : class
        where TMember : class, new()
    {
        ArgumentNullException.ThrowIfNull(map);
        ArgumentNullException.ThrowIfNull(members);
        var groups = new EntityMap<TGroup>();
        map(groups);
        var rows = new MembershipMap<TMember>();
        members(rows);
        var membership = rows.Membership ?? throw new InvalidOperationException($"The SCIM membership map of {typeof(TMember).Name} names no Keys(...): name its group key and its user key.");
        RegisterGroups(groups, membership, declareMembers: true);
        return this;
    }

    /// <summary>Registers the user store of a map; <paramref name="declare"/>: tell the service the map keeps only what it maps.</summary>
    internal void Register<TUser>(EntityMap<TUser> users, string resourceType, bool declare)
        where TUser : class
    {
        if (declare)
        {
            _scim.DeclareStoredAttributes(resourceType, users.PathsIn(_scim.Registry, resourceType));
        }

        _scim.Services.TryAddSingleton(sp => Shared(sp, users, resourceType));
        _scim.Services.AddSingleton<IValidateOptions<ScimServiceOptions>>(sp => new EntityMapCheck<TUser>(sp.GetRequiredService<SchemaRegistry>(), users, resourceType));
        if (users.DeletedColumn is not null)
        {
            // Group writes check that the users they add are not deleted meanwhile.
            _scim.Services.Replace(ServiceDescriptor.Singleton(sp => ServedUsers<TContext>.Of(sp.GetRequiredService<EntityStoreShared<TUser>>().Shape)));
        }

        AddStore(ServiceDescriptor.Scoped<IUserStore>(sp => new EntityUserStore<TContext, TUser>(sp, sp.GetRequiredService<EntityStoreShared<TUser>>())));
    }

    /// <summary>Registers the group store of a map and its memberships; <paramref name="declareMembers"/>: the map keeps only what it maps, and members are users.</summary>
    internal void RegisterGroups<TGroup, TMember>(EntityMap<TGroup> groups, Membership<TMember> membership, bool declareMembers)
        where TGroup : class
        where TMember : class
    {
        if (declareMembers)
        {
            _scim.DeclareStoredAttributes("Group", [.. groups.PathsIn(_scim.Registry, "Group"), "members"]);
            _scim.DeclareMemberTypes("Group", "User");
        }

        _scim.Services.AddSingleton<IValidateOptions<ScimServiceOptions>>(sp => new EntityMapCheck<TGroup>(sp.GetRequiredService<SchemaRegistry>(), groups, "Group"));
        var kinds = GroupMemberKinds.For<TContext, TMember>(membership, _scim.Services);
        _scim.Services.Replace(ServiceDescriptor.Singleton(kinds));
        _scim.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ScimServiceOptions>, GroupMemberKindsCheck>());
        _scim.Services.TryAddSingleton(sp =>
        {
            if (kinds.Problem(sp) is { } problem)
            {
                throw new InvalidOperationException(problem);
            }

            var shared = Shared(sp, groups, "Group");
            Microsoft.EntityFrameworkCore.Metadata.IModel model;
            using (var scope = sp.CreateScope())
            {
                model = EntityContexts.ModelOf<TContext>(scope.ServiceProvider);
            }

            membership.MapMembers(shared.Shape.Mapping, shared.Shape.KeyExpression, model);
            return shared;
        });
        AddStore(ServiceDescriptor.Scoped<IGroupStore>(sp => new EntityGroupStore<TContext, TGroup, TMember>(sp, sp.GetRequiredService<EntityStoreShared<TGroup>>(), membership)));

        // The user store of the same context reads its users' groups on its own connection.
        _scim.Services.Replace(ServiceDescriptor.Singleton(sp =>
        {
            var shared = sp.GetRequiredService<EntityStoreShared<TGroup>>();
            return new GroupsOfUsers<TContext>(
                static groups => groups is EntityGroupStore<TContext, TGroup, TMember>,
                (db, context, nesting, ids, cancellationToken) => EntityGroupStore<TContext, TGroup, TMember>.LinksAsync(db, context, shared, membership, nesting, ids, cancellationToken),
                (db, context, userId, cancellationToken) => EntityGroupStore<TContext, TGroup, TMember>.RemoveMemberRowsAsync(db, context, shared, membership, userId, cancellationToken));
        }));
    }

    /// <summary>
    /// Registers a store in place of any other of its service, scoped: without a context factory it
    /// uses the request scope's context. With one it holds nothing of its scope, so one instance (and
    /// the service over it) serves every request (<see cref="ScopeFreeStore"/>).
    /// </summary>
    internal void AddStore(ServiceDescriptor store) => AddStore(_scim.Services, store);

    /// <inheritdoc cref="AddStore(ServiceDescriptor)"/>
    internal static void AddStore(IServiceCollection services, ServiceDescriptor store)
    {
        if (store.IsKeyedService)
        {
            services.Add(store);
        }
        else
        {
            services.Replace(store);
        }

        // One store for every request only over a singleton factory (AddDbContextFactory's and
        // AddPooledDbContextFactory's default); a scoped one (a context with scoped dependencies)
        // belongs to its request, and so does the store over it.
        services.AddSingleton(new ScopeFreeStore(store, static s => s.LastOrDefault(d => d.ServiceType == typeof(IDbContextFactory<TContext>)) is { Lifetime: ServiceLifetime.Singleton }));
    }

    private static EntityStoreShared<TEntity> Shared<TEntity>(IServiceProvider services, EntityMap<TEntity> map, string resourceType)
        where TEntity : class =>
        new(map, services.GetRequiredService<SchemaRegistry>(), resourceType, services.GetRequiredService<IOptions<ScimServiceOptions>>().Value.Filter);
}
