using Microsoft.EntityFrameworkCore;

namespace Scim.EntityFrameworkCore;

/// <summary>Adds the tables of the SCIM-owned model to a host's DbContext.</summary>
public static class ScimModelBuilderExtensions
{
    /// <summary>The longest <c>userName</c>, <c>displayName</c> and other short strings kept; longer values are refused with 400 <c>invalidValue</c>.</summary>
    public const int ShortText = 256;

    /// <summary>The longest URL, value or extension text kept in a length-limited column.</summary>
    public const int LongText = 2048;

    /// <summary>The condition of the partial <c>(Tenant, Id)</c> indexes (quoted as SQLite, PostgreSQL and SQL Server all accept).</summary>
    private const string TenantNotNull = "\"Tenant\" IS NOT NULL";

    /// <summary>
    /// The condition of the per-resource order indexes of the event tables: rows not delivered yet.
    /// A claim asks, for each due event, whether an earlier one of its resource is still pending;
    /// delivered rows stay for the retention period (seven days by default), and with them in the
    /// index that question walked every event a busy resource ever had (a group changed 9,000
    /// times: 28 ms per claim on SQLite, which holds the file's write turn meanwhile).
    /// </summary>
    private const string NotDelivered = "\"DeliveredAt\" IS NULL";

    /// <summary>
    /// Adds users (<see cref="ScimUserEntity"/>, with <see cref="ScimUserValueEntity"/> rows for
    /// multi-valued attributes), groups (<see cref="ScimGroupEntity"/>) and memberships
    /// (<see cref="ScimGroupMemberEntity"/>: foreign keys to the group and to the member user that
    /// cascade; with <see cref="ApplyScimResources"/> too, one to the member agent or other resource), the event outbox (<see cref="ApplyScimEvents"/>), with the indexes SCIM's lookups need: <c>(Tenant, NormalizedUserName)</c> unique,
    /// <c>(Tenant, ExternalId)</c>, <c>(Tenant, NormalizedDisplayName)</c>, memberships by member.
    /// Call it from <c>OnModelCreating</c>, then add a migration (<c>dotnet ef migrations add Scim</c>).
    /// </summary>
    /// <param name="modelBuilder">The host's model builder.</param>
    /// <param name="tablePrefix">The prefix of the table names (<c>ScimUsers</c>, <c>ScimUserValues</c>, <c>ScimGroups</c>, <c>ScimGroupMembers</c>, <c>ScimEvents</c>, <c>ScimEventDeliveries</c>).</param>
    /// <param name="schema">The database schema of the tables, or <see langword="null"/> for the default.</param>
    /// <returns>The model builder.</returns>
    public static ModelBuilder ApplyScimModel(this ModelBuilder modelBuilder, string tablePrefix = "Scim", string? schema = null)
    {
        ArgumentNullException.ThrowIfNull(modelBuilder);
        ArgumentNullException.ThrowIfNull(tablePrefix);
        modelBuilder.Entity<ScimUserEntity>(user =>
        {
            user.ToTable(tablePrefix + "Users", schema);
            user.HasKey(u => u.Id);
            user.Property(u => u.Id).HasMaxLength(64);
            user.Property(u => u.Tenant).HasMaxLength(128);
            user.Property(u => u.UserName).HasMaxLength(ShortText);
            user.Property(u => u.NormalizedUserName).HasMaxLength(ShortText);
            user.Property(u => u.ExternalId).HasMaxLength(ShortText);
            user.Property(u => u.Version).HasMaxLength(64);
            user.Property(u => u.ProfileUrl).HasMaxLength(LongText);
            user.Property(u => u.ManagerRef).HasMaxLength(LongText);
            foreach (var name in new[] { nameof(ScimUserEntity.DisplayName), nameof(ScimUserEntity.NickName), nameof(ScimUserEntity.Title), nameof(ScimUserEntity.UserType), nameof(ScimUserEntity.PreferredLanguage), nameof(ScimUserEntity.Locale), nameof(ScimUserEntity.Timezone), nameof(ScimUserEntity.NameFormatted), nameof(ScimUserEntity.FamilyName), nameof(ScimUserEntity.GivenName), nameof(ScimUserEntity.MiddleName), nameof(ScimUserEntity.HonorificPrefix), nameof(ScimUserEntity.HonorificSuffix), nameof(ScimUserEntity.EmployeeNumber), nameof(ScimUserEntity.CostCenter), nameof(ScimUserEntity.Organization), nameof(ScimUserEntity.Division), nameof(ScimUserEntity.Department), nameof(ScimUserEntity.ManagerId), nameof(ScimUserEntity.ManagerDisplayName) })
            {
                user.Property(name).HasMaxLength(ShortText);
            }

            user.HasIndex(u => new { u.Tenant, u.NormalizedUserName }).IsUnique();
            user.HasIndex(u => new { u.Tenant, u.ExternalId });

            // A page is the tenant's rows in id order: read from this index in order, and stopped at
            // the page's end, instead of every row of the tenant read and sorted. Partial (Tenant is
            // never null) so that only a query naming the tenant can use it: PostgreSQL otherwise
            // took it, with no statistics yet, for the foreign keys' checks by id alone, scanning
            // the whole index per inserted value or member row.
            user.HasIndex(u => new { u.Tenant, u.Id }).HasFilter(TenantNotNull);
            user.HasMany(u => u.Values).WithOne().HasForeignKey(v => v.UserId).OnDelete(DeleteBehavior.Cascade);
        });
        modelBuilder.Entity<ScimUserValueEntity>(value =>
        {
            value.ToTable(tablePrefix + "UserValues", schema);
            value.HasKey(v => v.Id);
            value.Property(v => v.UserId).HasMaxLength(64);
            value.Property(v => v.Attribute).HasMaxLength(64);
            value.Property(v => v.Value).HasMaxLength(LongText);
            foreach (var name in new[] { nameof(ScimUserValueEntity.Display), nameof(ScimUserValueEntity.Type), nameof(ScimUserValueEntity.Locality), nameof(ScimUserValueEntity.Region), nameof(ScimUserValueEntity.PostalCode), nameof(ScimUserValueEntity.Country) })
            {
                value.Property(name).HasMaxLength(ShortText);
            }

            value.Property(v => v.Formatted).HasMaxLength(LongText);
            value.Property(v => v.StreetAddress).HasMaxLength(LongText);
            value.HasIndex(v => new { v.UserId, v.Attribute, v.Ordinal });
        });
        modelBuilder.Entity<ScimGroupEntity>(group =>
        {
            group.ToTable(tablePrefix + "Groups", schema);
            group.HasKey(g => g.Id);
            group.Property(g => g.Id).HasMaxLength(64);
            group.Property(g => g.Tenant).HasMaxLength(128);
            group.Property(g => g.DisplayName).HasMaxLength(ShortText);
            group.Property(g => g.NormalizedDisplayName).HasMaxLength(ShortText);
            group.Property(g => g.ExternalId).HasMaxLength(ShortText);
            group.Property(g => g.Version).HasMaxLength(64);
            group.HasIndex(g => new { g.Tenant, g.NormalizedDisplayName });
            group.HasIndex(g => new { g.Tenant, g.ExternalId });
            group.HasIndex(g => new { g.Tenant, g.Id }).HasFilter(TenantNotNull);
        });
        modelBuilder.Entity<ScimGroupMemberEntity>(member =>
        {
            member.ToTable(tablePrefix + "GroupMembers", schema);
            member.HasKey(m => new { m.GroupId, m.MemberId });
            member.Property(m => m.GroupId).HasMaxLength(64);
            member.Property(m => m.MemberId).HasMaxLength(64);
            member.Property(m => m.UserId).HasMaxLength(64);
            member.Property(m => m.NestedGroupId).HasMaxLength(64);
            member.HasIndex(m => m.MemberId);
            member.HasIndex(m => m.UserId);
            member.HasIndex(m => m.NestedGroupId);
            member.HasOne<ScimGroupEntity>().WithMany().HasForeignKey(m => m.GroupId).OnDelete(DeleteBehavior.Cascade);
            member.HasOne<ScimUserEntity>().WithMany().HasForeignKey(m => m.UserId).OnDelete(DeleteBehavior.Cascade);

            // Not cascading: a second cascade path from groups is refused by some databases; the
            // store removes these rows itself before it deletes a group.
            member.HasOne<ScimGroupEntity>().WithMany().HasForeignKey(m => m.NestedGroupId).OnDelete(DeleteBehavior.Restrict);
        });
        LinkResourceMembers(modelBuilder);
        modelBuilder.ApplyScimEvents(tablePrefix, schema);
        return modelBuilder;
    }

    /// <summary>
    /// Adds the event outbox (<see cref="ScimEventEntity"/>, table <c>{prefix}Events</c>): with it in
    /// the model, the EF Core stores write each change's event in the change's own transaction and
    /// the event dispatcher delivers it from there, so a crash between the change and its delivery
    /// loses nothing. <see cref="ApplyScimModel"/> includes it; a host mapping its own entities adds
    /// it with this call (and a migration). Without it, events are delivered from an in-process queue.
    /// It also adds the queue of the event receivers (<see cref="ScimEventDeliveryEntity"/>, table
    /// <c>{prefix}EventDeliveries</c>): one row per push or poll receiver and event, so a receiver that is
    /// down, or a process that stops, loses nothing.
    /// </summary>
    /// <param name="modelBuilder">The host's model builder.</param>
    /// <param name="tablePrefix">The prefix of the table names (<c>ScimEvents</c>, <c>ScimEventDeliveries</c>).</param>
    /// <param name="schema">The database schema of the table, or <see langword="null"/> for the default.</param>
    /// <returns>The model builder.</returns>
    public static ModelBuilder ApplyScimEvents(this ModelBuilder modelBuilder, string tablePrefix = "Scim", string? schema = null)
    {
        ArgumentNullException.ThrowIfNull(modelBuilder);
        ArgumentNullException.ThrowIfNull(tablePrefix);
        modelBuilder.Entity<ScimEventEntity>(e =>
        {
            e.ToTable(tablePrefix + "Events", schema);
            e.HasKey(x => x.Sequence);
            e.Property(x => x.Sequence).ValueGeneratedOnAdd();
            e.Property(x => x.EventId).HasMaxLength(64);
            e.Property(x => x.Tenant).HasMaxLength(128);
            e.Property(x => x.ResourceType).HasMaxLength(64);
            e.Property(x => x.ResourceId).HasMaxLength(ShortText);
            e.Property(x => x.Kind).HasMaxLength(32);
            e.Property(x => x.LeaseToken).HasMaxLength(64);
            e.Property(x => x.LastError).HasMaxLength(LongText);
            e.HasIndex(x => x.EventId).IsUnique();
            e.HasIndex(x => new { x.DeliveredAt, x.AvailableAt });
            e.HasIndex(x => new { x.Tenant, x.ResourceType, x.ResourceId, x.Sequence }).HasFilter(NotDelivered);
            e.HasIndex(x => x.LeaseToken);
        });
        modelBuilder.Entity<ScimEventDeliveryEntity>(e =>
        {
            e.ToTable(tablePrefix + "EventDeliveries", schema);
            e.HasKey(x => x.Sequence);
            e.Property(x => x.Sequence).ValueGeneratedOnAdd();
            e.Property(x => x.Receiver).HasMaxLength(128);
            e.Property(x => x.EventId).HasMaxLength(64);
            e.Property(x => x.Tenant).HasMaxLength(128);
            e.Property(x => x.ResourceType).HasMaxLength(64);
            e.Property(x => x.ResourceId).HasMaxLength(ShortText);
            e.Property(x => x.LeaseToken).HasMaxLength(64);
            e.Property(x => x.LastError).HasMaxLength(LongText);
            e.HasIndex(x => new { x.Receiver, x.EventId }).IsUnique();
            e.HasIndex(x => new { x.Receiver, x.DeliveredAt, x.AvailableAt });
            e.HasIndex(x => new { x.Receiver, x.Tenant, x.ResourceType, x.ResourceId, x.Sequence }).HasFilter(NotDelivered);
            e.HasIndex(x => x.LeaseToken);
        });
        return modelBuilder;
    }

    /// <summary>
    /// Adds the table of host-registered resource types (<see cref="ScimResourceEntity"/>, table
    /// <c>{prefix}Resources</c>): every type served with <c>AddEntityFrameworkCoreResourceStore&lt;TContext&gt;("Agent")</c>
    /// keeps its resources there, keyed by type and id, with <c>(Tenant, ResourceType, ExternalId)</c>
    /// indexed and <c>(Tenant, ResourceType, UniqueValue)</c> unique. Not part of <see cref="ApplyScimModel"/>:
    /// a host that serves such types adds it (and a migration). With <see cref="ApplyScimModel"/> too, such
    /// resources can be group members: the membership table gains <c>ResourceType</c> and <c>ResourceId</c>,
    /// a foreign key to this table that cascades.
    /// </summary>
    /// <param name="modelBuilder">The host's model builder.</param>
    /// <param name="tablePrefix">The prefix of the table name.</param>
    /// <param name="schema">The database schema of the table, or <see langword="null"/> for the default.</param>
    /// <returns>The model builder.</returns>
    public static ModelBuilder ApplyScimResources(this ModelBuilder modelBuilder, string tablePrefix = "Scim", string? schema = null)
    {
        ArgumentNullException.ThrowIfNull(modelBuilder);
        ArgumentNullException.ThrowIfNull(tablePrefix);
        modelBuilder.Entity<ScimResourceEntity>(resource =>
        {
            resource.ToTable(tablePrefix + "Resources", schema);
            resource.HasKey(r => new { r.ResourceType, r.Id });
            resource.Property(r => r.ResourceType).HasMaxLength(64);
            resource.Property(r => r.Id).HasMaxLength(64);
            resource.Property(r => r.Tenant).HasMaxLength(128);
            resource.Property(r => r.ExternalId).HasMaxLength(ShortText);
            resource.Property(r => r.UniqueValue).HasMaxLength(ShortText);
            resource.Property(r => r.Version).HasMaxLength(64);
            resource.HasIndex(r => new { r.Tenant, r.ResourceType, r.ExternalId });
            resource.HasIndex(r => new { r.Tenant, r.ResourceType, r.UniqueValue }).IsUnique();
            resource.HasIndex(r => new { r.Tenant, r.ResourceType, r.Id }).HasFilter(TenantNotNull);
        });
        LinkResourceMembers(modelBuilder);
        return modelBuilder;
    }

    /// <summary>
    /// With both <see cref="ApplyScimModel"/> and <see cref="ApplyScimResources"/> (in either order),
    /// a membership row may name a resource of the other types (an agent): <c>ResourceType</c> and
    /// <c>ResourceId</c>, a foreign key to the resources' key that cascades, so deleting the agent
    /// removes its rows. With the membership table alone the two columns are not mapped, and a
    /// host that never serves such types keeps its tables as they were.
    /// </summary>
    private static void LinkResourceMembers(ModelBuilder modelBuilder)
    {
        if (modelBuilder.Model.FindEntityType(typeof(ScimGroupMemberEntity)) is null)
        {
            return;
        }

        var linked = modelBuilder.Model.FindEntityType(typeof(ScimResourceEntity)) is not null;
        modelBuilder.Entity<ScimGroupMemberEntity>(member =>
        {
            if (!linked)
            {
                member.Ignore(m => m.ResourceType);
                member.Ignore(m => m.ResourceId);
                return;
            }

            member.Property(m => m.ResourceType).HasMaxLength(64);
            member.Property(m => m.ResourceId).HasMaxLength(64);
            member.HasOne<ScimResourceEntity>().WithMany().HasForeignKey(m => new { m.ResourceType, m.ResourceId }).OnDelete(DeleteBehavior.Cascade);
        });
    }
}
