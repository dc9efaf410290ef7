using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using Scim.Core.Querying;
using Scim.Core.Resources;

namespace Scim.EntityFrameworkCore;

/// <summary>
/// The memberships of the SCIM-owned model: <see cref="ScimGroupMemberEntity"/> rows whose member
/// is a user, a group, or (when the model has the table of other resource types) a resource of
/// another type such as an agent. Changed by adding and removing rows by key, in chunks, like every
/// membership of this package; groups' versions are kept in a column, so no digest is needed.
/// Every kind's rows carry the member's id in <c>MemberId</c>: lookups by member (a member's
/// <c>groups</c>, removals, filters on <c>members.value</c>) are the same query for every kind.
/// </summary>
internal sealed class ScimMembership : Membership<ScimGroupMemberEntity>
{
    public override async Task<List<GroupMember>> MembersAsync(DbContext db, object groupKey, CancellationToken cancellationToken)
    {
        var id = (string)groupKey;
        if (HoldsOtherKinds(db.Model))
        {
            return [.. (await Rows(db).Where(m => m.GroupId == id).Select(m => new { m.MemberId, m.NestedGroupId, m.ResourceType }).ToListAsync(cancellationToken).ConfigureAwait(false))
                .Select(m => Member(m.MemberId, m.NestedGroupId, m.ResourceType))];
        }

        return [.. (await Rows(db).Where(m => m.GroupId == id).Select(m => new { m.MemberId, m.NestedGroupId }).ToListAsync(cancellationToken).ConfigureAwait(false))
            .Select(m => Member(m.MemberId, m.NestedGroupId, null))];
    }

    public override async Task<Dictionary<object, List<GroupMember>>> MembersAsync(DbContext db, IReadOnlyCollection<object> groupKeys, CancellationToken cancellationToken)
    {
        var result = new Dictionary<object, List<GroupMember>>();
        var otherKinds = HoldsOtherKinds(db.Model);
        foreach (var chunk in groupKeys.Cast<string>().Chunk(Chunk))
        {
            var rows = otherKinds
                ? await Rows(db).Where(m => chunk.Contains(m.GroupId)).Select(m => new MemberRow(m.GroupId, m.MemberId, m.NestedGroupId, m.ResourceType)).ToListAsync(cancellationToken).ConfigureAwait(false)
                : await Rows(db).Where(m => chunk.Contains(m.GroupId)).Select(m => new MemberRow(m.GroupId, m.MemberId, m.NestedGroupId, null)).ToListAsync(cancellationToken).ConfigureAwait(false);
            foreach (var row in rows)
            {
                if (!result.TryGetValue(row.GroupId, out var members))
                {
                    result[row.GroupId] = members = [];
                }

                members.Add(Member(row.MemberId, row.NestedGroupId, row.ResourceType));
            }
        }

        return result;
    }

    public override async Task BeforeGroupDeletedAsync(DbContext db, object groupKey, CancellationToken cancellationToken)
    {
        var id = (string)groupKey;
        await Rows(db).Where(m => m.NestedGroupId == id).ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
    }

    public override async ValueTask<bool> MayNestAsync(DbContext db, CancellationToken cancellationToken) =>
        await Rows(db).AnyAsync(m => m.NestedGroupId != null, cancellationToken).ConfigureAwait(false);

    public override async Task<List<(string MemberId, object GroupKey)>> GroupsOfAsync(DbContext db, IEnumerable<string> memberIds, CancellationToken cancellationToken)
    {
        var result = new List<(string, object)>();
        foreach (var chunk in memberIds.Distinct(StringComparer.Ordinal).Chunk(Chunk))
        {
            var rows = await Rows(db).Where(m => chunk.Contains(m.MemberId)).Select(m => new { m.MemberId, m.GroupId }).ToListAsync(cancellationToken).ConfigureAwait(false);
            result.AddRange(rows.Select(r => (r.MemberId, (object)r.GroupId)));
        }

        return result;
    }

    public override async Task<GroupLinks> GroupsOfAsync<TGroup>(DbContext db, IQueryable<TGroup> groups, object tenant, LambdaExpression groupKeyOfGroup, LambdaExpression? tenantOfGroup, LambdaExpression? keptGroup, LambdaExpression? displayName, IEnumerable<string> memberIds, CancellationToken cancellationToken)
    {
        var result = new List<(string, string, string?)>();
        if (typeof(TGroup) == typeof(ScimGroupEntity) && memberIds is IReadOnlyCollection<string> { Count: 1 } one)
        {
            // One member (a GET of a user, the commonest read): a compiled query.
            var member = one.First();
            bool? nests = null;
            await foreach (var row in OneMember.Of(db)(db, member, (string)tenant).WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                result.Add((member, row.Id, row.Name));
                nests = row.Nested;
            }

            return new GroupLinks(result, nests);
        }

        bool? mayNest = null;

        // EXISTS (SELECT 1 FROM members WHERE NestedGroupId IS NOT NULL), asked in the same query: a
        // member with groups is then asked whether groups nest, which this answers.
        Expression<Func<ScimGroupMemberEntity, bool>> isNested = m => m.NestedGroupId != null;
        var nested = Expression.Call(typeof(Queryable), nameof(Queryable.Any), [typeof(ScimGroupMemberEntity)], Rows(db).AsQueryable().Expression, Expression.Quote(isNested));
        foreach (var chunk in memberIds.Distinct(StringComparer.Ordinal).Chunk(Chunk))
        {
            var links = await LinksAsync<TGroup, string, string>(Rows(db).Where(m => chunk.Contains(m.MemberId)), groups, m => m.GroupId, m => m.MemberId, groupKeyOfGroup, displayName, nested, cancellationToken).ConfigureAwait(false);
            result.AddRange(links.Select(l => (l.Member, l.Group, l.Name)));
            if (links.Count > 0)
            {
                mayNest = links[0].Nested;
            }
        }

        return new GroupLinks(result, mayNest);
    }

    private static readonly PerModel<Func<DbContext, string, string, IAsyncEnumerable<OneMemberRow>>> OneMember = new(static _ => CompileOneMember());

    /// <summary>The groups of one member in one tenant, with their names and whether any group nests another.</summary>
    /// <remarks>
    /// Written, like <see cref="UserWithGroupsAsync"/>, so that stale statistics cannot make a planner
    /// read more than the member's rows: each group by its key, and nesting from the first entry
    /// of the nested-group index.
    /// </remarks>
    private static Func<DbContext, string, string, IAsyncEnumerable<OneMemberRow>> CompileOneMember() =>
        EF.CompileAsyncQuery((DbContext db, string member, string tenant) =>
            db.Set<ScimGroupMemberEntity>().Where(m => m.MemberId == member && db.Set<ScimGroupEntity>().Any(g => g.Id == m.GroupId && g.Tenant == tenant))
                .Select(m => new OneMemberRow
                {
                    Id = m.GroupId,
                    Name = db.Set<ScimGroupEntity>().Where(g => g.Id == m.GroupId).Select(g => g.DisplayName).FirstOrDefault(),
                    Nested = db.Set<ScimGroupMemberEntity>().Where(x => x.NestedGroupId != null).OrderBy(x => x.NestedGroupId).Select(x => x.NestedGroupId).FirstOrDefault() != null,
                }));

    private static readonly PerModel<UserWithGroupsReads> UserWithGroups = new(static _ => new UserWithGroupsReads());

    /// <summary>
    /// A user's row with its direct groups in the tenant and whether any group nests another, in one
    /// compiled statement. The groups are a scalar subquery aggregated into one text
    /// (<c>string_agg</c> on PostgreSQL, <c>group_concat</c> on SQLite; EF Core translates
    /// <c>string.Join</c> over a grouping): joined to the row instead, they would repeat the user's
    /// columns on every group's row. Each group is its id and name (<see cref="GroupsOf"/> reads
    /// them back). The statement is written so that no planner can read more than the user's own
    /// rows, whatever its statistics say (a database seeded a moment ago has stale ones): the
    /// groups are reached from the user's membership rows, each group by its key (a join let
    /// PostgreSQL walk every group of the tenant and probe each for the user); and whether any
    /// group nests another is the first entry of the nested-group index (an <c>EXISTS</c> let it
    /// scan every membership row: measured 1,000–1,500 GETs/s against 4,300).
    /// </summary>
    public static Task<UserWithGroupsRow?> UserWithGroupsAsync(DbContext db, string id, string tenant) =>
        UserWithGroups.Of(db).ById(db, id, tenant);

    /// <summary>
    /// The same statement for the user whose <c>NormalizedUserName</c> is <paramref name="normalizedUserName"/>
    /// in the tenant (the unique index's search): a lookup by <c>userName</c>, the IdPs' commonest
    /// query, read as a GET by id is.
    /// </summary>
    public static Task<UserWithGroupsRow?> UserWithGroupsByNameAsync(DbContext db, string normalizedUserName, string tenant) =>
        UserWithGroups.Of(db).ByName(db, normalizedUserName, tenant);

    // The statement once, its row chosen by Key(u); each read puts a column in its place before compiling.
    private static readonly Expression<Func<DbContext, string, string, UserWithGroupsRow?>> UserWithGroupsOf = (db, key, tenant) =>
        db.Set<ScimUserEntity>().AsNoTracking().Where(u => Key(u) == key && u.Tenant == tenant).Select(u => new UserWithGroupsRow
        {
            User = u,
            Groups = db.Set<ScimGroupMemberEntity>().Where(m => m.MemberId == u.Id)
                .Select(m => new
                {
                    m.MemberId,

                    // NULL for a group of another tenant, which string_agg and group_concat leave out.
                    Text = db.Set<ScimGroupEntity>().Where(g => g.Id == m.GroupId && g.Tenant == tenant).Select(g =>
                        g.Id.Replace("\\", "\\\\").Replace("\u001e", "\\r").Replace("\u001f", "\\u")
                        + (g.DisplayName == null ? string.Empty : "\u001f" + g.DisplayName.Replace("\\", "\\\\").Replace("\u001e", "\\r").Replace("\u001f", "\\u"))).FirstOrDefault(),
                })
                .GroupBy(x => x.MemberId).Select(x => string.Join("\u001e", x.Select(y => y.Text))).FirstOrDefault(),
            Nested = db.Set<ScimGroupMemberEntity>().Where(x => x.NestedGroupId != null).OrderBy(x => x.NestedGroupId).Select(x => x.NestedGroupId).FirstOrDefault() != null,
        }).FirstOrDefault();

    /// <summary>Stands for the column a read of <see cref="UserWithGroupsOf"/> searches; never called.</summary>
    private static string Key(ScimUserEntity user) => throw new NotSupportedException("Replaced by a column before the query is compiled.");

    /// <summary>The two compiled reads of one model.</summary>
    private sealed class UserWithGroupsReads
    {
        public Func<DbContext, string, string, Task<UserWithGroupsRow?>> ById { get; } = Compile(u => u.Id);

        public Func<DbContext, string, string, Task<UserWithGroupsRow?>> ByName { get; } = Compile(u => u.NormalizedUserName);

        private static Func<DbContext, string, string, Task<UserWithGroupsRow?>> Compile(Expression<Func<ScimUserEntity, string>> column) =>
            EF.CompileAsyncQuery((Expression<Func<DbContext, string, string, UserWithGroupsRow?>>)new KeyColumn(column).Visit(UserWithGroupsOf));
    }

    /// <summary>Puts a column where <see cref="Key"/> stands.</summary>
    private sealed class KeyColumn(Expression<Func<ScimUserEntity, string>> column) : ExpressionVisitor
    {
        protected override Expression VisitMethodCall(MethodCallExpression node) =>
            node.Method.DeclaringType == typeof(ScimMembership) && node.Method.Name == nameof(Key)
                ? AttributeMapping.Inline(column, Visit(node.Arguments[0]))
                : base.VisitMethodCall(node);
    }

    /// <summary>
    /// The groups of <see cref="UserWithGroupsAsync"/>'s text: groups apart by U+001E, a group's id
    /// and name by U+001F (no name, no separator); a backslash, U+001E and U+001F within either are
    /// written <c>\\</c>, <c>\r</c> and <c>\u</c>.
    /// </summary>
    public static List<(string Id, string? Name)> GroupsOf(string? text)
    {
        var groups = new List<(string, string?)>();
        if (string.IsNullOrEmpty(text))
        {
            return groups;
        }

        var part = new System.Text.StringBuilder();
        string? id = null;
        for (var i = 0; i <= text.Length; i++)
        {
            var c = i < text.Length ? text[i] : '\u001e';
            switch (c)
            {
                case '\u001e':
                    // An empty entry is a group of another tenant (EF Core writes it as '', not NULL).
                    if (id is not null || part.Length > 0)
                    {
                        groups.Add(id is null ? (part.ToString(), null) : (id, part.ToString()));
                    }

                    (id, part.Length) = (null, 0);
                    break;
                case '\u001f' when id is null:
                    (id, part.Length) = (part.ToString(), 0);
                    break;
                case '\\' when i + 1 < text.Length:
                    i++;
                    part.Append(text[i] switch { 'r' => '\u001e', 'u' => '\u001f', var other => other });
                    break;
                default:
                    part.Append(c);
                    break;
            }
        }

        return groups;
    }

    public override async Task<List<string>> AddAsync(DbContext db, object groupKey, string tenant, IEnumerable<GroupMember> members, CancellationToken cancellationToken)
    {
        var group = (string)groupKey;
        var added = new List<string>();
        foreach (var chunk in members.DistinctBy(m => m.Value, StringComparer.Ordinal).Chunk(Chunk))
        {
            var ids = chunk.Select(m => m.Value!).ToArray();
            // One parameter per id, not an array: see Membership.In.
            var present = (await Rows(db).Where(m => m.GroupId == group && EF.MultipleParameters(ids).Contains(m.MemberId)).Select(m => m.MemberId).ToListAsync(cancellationToken).ConfigureAwait(false)).ToHashSet(StringComparer.Ordinal);
            var users = chunk.Where(m => !present.Contains(m.Value!) && KindOf(m) == MemberKind.User).Select(m => m.Value!).ToArray();
            if (users.Length > 0)
            {
                await LockUsersAsync(db, tenant, users, cancellationToken).ConfigureAwait(false);
            }

            foreach (var member in chunk.Where(m => !present.Contains(m.Value!)))
            {
                var kind = KindOf(member);
                if (kind == MemberKind.Other && !HoldsOtherKinds(db.Model))
                {
                    // The service refuses to start in this case (GroupMemberKinds); a store built by hand is told here.
                    throw new InvalidOperationException($"Member '{member.Value}' is a {member.Type}: the membership table keeps such members only when the model has the table of other resource types (ApplyScimResources).");
                }

                db.Add(new ScimGroupMemberEntity
                {
                    GroupId = group,
                    MemberId = member.Value!,
                    UserId = kind == MemberKind.User ? member.Value : null,
                    NestedGroupId = kind == MemberKind.Group ? member.Value : null,
                    ResourceType = kind == MemberKind.Other ? member.Type : null,
                    ResourceId = kind == MemberKind.Other ? member.Value : null,
                });
                added.Add(member.Value!);
            }
        }

        return added;
    }

    public override async Task<bool> HasAllAsync(DbContext db, object groupKey, IReadOnlyList<GroupMember> members, CancellationToken cancellationToken)
    {
        var group = (string)groupKey;
        foreach (var chunk in members.Select(m => m.Value!).Distinct(StringComparer.Ordinal).Chunk(Chunk))
        {
            if (await Rows(db).Where(m => m.GroupId == group && EF.MultipleParameters(chunk).Contains(m.MemberId)).CountAsync(cancellationToken).ConfigureAwait(false) < chunk.Length)
            {
                return false;
            }
        }

        return true;
    }

    public override async Task<List<string>> RemoveAsync(DbContext db, object groupKey, IEnumerable<string> memberIds, CancellationToken cancellationToken)
    {
        var group = (string)groupKey;
        var removed = new List<string>();
        foreach (var chunk in memberIds.Distinct(StringComparer.Ordinal).Chunk(Chunk))
        {
            var rows = Rows(db).Where(m => m.GroupId == group && EF.MultipleParameters(chunk).Contains(m.MemberId));
            var present = await rows.Select(m => m.MemberId).ToListAsync(cancellationToken).ConfigureAwait(false);
            if (present.Count > 0)
            {
                await rows.ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
                removed.AddRange(present);
            }
        }

        return removed;
    }

    /// <summary>The SCIM-owned membership rows hold nothing but the keys: the group's rows go at once, and the members are added back.</summary>
    public override async Task<(List<string> Removed, List<string> Added)> ReplaceAllAsync(DbContext db, object groupKey, string tenant, IReadOnlyList<GroupMember> members, CancellationToken cancellationToken)
    {
        var removed = await RemoveAllAsync(db, groupKey, cancellationToken).ConfigureAwait(false);
        var added = await AddAsync(db, groupKey, tenant, members, cancellationToken).ConfigureAwait(false);
        return (removed, added);
    }

    public override async Task<List<string>> RemoveAllAsync(DbContext db, object groupKey, CancellationToken cancellationToken)
    {
        var group = (string)groupKey;
        var rows = Rows(db).Where(m => m.GroupId == group);
        var present = await rows.Select(m => m.MemberId).ToListAsync(cancellationToken).ConfigureAwait(false);
        if (present.Count > 0)
        {
            await rows.ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
        }

        return present;
    }

    /// <summary>Not needed: the model keeps each group's version in a column.</summary>
    public override Task<Dictionary<object, string>> DigestsAsync(DbContext db, IReadOnlyCollection<object> groupKeys, CancellationToken cancellationToken) =>
        Task.FromResult(new Dictionary<object, string>());

    public override void MapMembers<TGroup>(AttributeMapping<TGroup> mapping, LambdaExpression groupKeyOfGroup, IModel model)
    {
        var of = Expression.Call(typeof(MembershipRows), nameof(MembershipRows.Of), [typeof(ScimGroupMemberEntity), typeof(string)], groupKeyOfGroup.Body);
        var otherKinds = HoldsOtherKinds(model);
        mapping.MapCollection("members", Expression.Lambda<Func<TGroup, IEnumerable<ScimGroupMemberEntity>>>(of, groupKeyOfGroup.Parameters), members => members
            .Map("value", m => m.MemberId)
            .Map<string>("type", otherKinds
                ? m => m.NestedGroupId != null ? "Group" : m.ResourceType ?? "User"
                : m => m.NestedGroupId != null ? "Group" : "User"));
    }

    /// <summary>Whether the model maps the rows' <c>ResourceType</c> and <c>ResourceId</c> (it has the table of other resource types too).</summary>
    public override bool HoldsOtherKinds(IModel model) =>
        model.FindEntityType(typeof(ScimGroupMemberEntity))?.FindProperty(nameof(ScimGroupMemberEntity.ResourceType)) is not null;

    public override IQueryable<T> WithMembershipRows<T>(IQueryable<T> query, DbContext db)
    {
        var rewritten = new MembershipRows.Expand<ScimGroupMemberEntity, string>(Rows(db).AsQueryable().Expression, m => m.GroupId).Visit(query.Expression);
        return ReferenceEquals(rewritten, query.Expression) ? query : query.Provider.CreateQuery<T>(rewritten);
    }

    private static DbSet<ScimGroupMemberEntity> Rows(DbContext db) => db.Set<ScimGroupMemberEntity>();

    /// <summary>The member's kind, as the service checked it (a member named without a type is a user, as before types were checked).</summary>
    private static MemberKind KindOf(GroupMember member) =>
        member.Type is null || string.Equals(member.Type, "User", StringComparison.OrdinalIgnoreCase) ? MemberKind.User
        : string.Equals(member.Type, "Group", StringComparison.OrdinalIgnoreCase) ? MemberKind.Group
        : MemberKind.Other;

    /// <summary>
    /// Locks the rows of the member users about to be added, as a foreign key's check would, so
    /// that a request deleting one of them cannot commit before this write does (its membership
    /// rows are then removed with it) and a user deleted already is refused. The tables' foreign
    /// keys do the same where they exist; tables partitioned by tenant cannot have them (a
    /// partitioned table's ids are unique only with the tenant), and without this lock a user
    /// deleted while it was being added stayed a member. PostgreSQL only: SQLite runs one writer
    /// at a time.
    /// </summary>
    private static async Task LockUsersAsync(DbContext db, string tenant, string[] ids, CancellationToken cancellationToken)
    {
        if (db.Database.ProviderName?.Contains("Npgsql", StringComparison.Ordinal) != true)
        {
            return;
        }

        var user = db.Model.FindEntityType(typeof(ScimUserEntity))!;
        var table = StoreObjectIdentifier.Table(user.GetTableName()!, user.GetSchema());
        var sql = db.GetService<ISqlGenerationHelper>();
        string Column(string property) => sql.DelimitIdentifier(user.FindProperty(property)!.GetColumnName(table)!);
        var query = $"SELECT {Column(nameof(ScimUserEntity.Id))} AS \"Value\" FROM {sql.DelimitIdentifier(table.Name, table.Schema)} "
            + $"WHERE {Column(nameof(ScimUserEntity.Tenant))} = {{0}} AND {Column(nameof(ScimUserEntity.Id))} = ANY({{1}}) FOR KEY SHARE";
        var locked = await db.Database.SqlQueryRaw<string>(query, tenant, ids).ToListAsync(cancellationToken).ConfigureAwait(false);
        if (locked.Count < ids.Length)
        {
            throw new MemberDeletedMeanwhileException();
        }
    }

    private static GroupMember Member(string id, string? nestedGroupId, string? resourceType) =>
        new() { Value = id, Type = nestedGroupId is not null ? "Group" : resourceType ?? "User" };

    private enum MemberKind
    {
        User,
        Group,
        Other,
    }

    /// <summary>A membership row as the member lists read it.</summary>
    private sealed record MemberRow(string GroupId, string MemberId, string? NestedGroupId, string? ResourceType);
}

/// <summary>A group of one member, as the compiled query reads it.</summary>
internal sealed class OneMemberRow
{
    public string Id { get; set; } = string.Empty;

    public string? Name { get; set; }

    public bool Nested { get; set; }
}

/// <summary>A user's row with its groups as <see cref="ScimMembership.UserWithGroupsAsync"/> reads them.</summary>
internal sealed class UserWithGroupsRow
{
    public ScimUserEntity User { get; set; } = null!;

    public string? Groups { get; set; }

    public bool Nested { get; set; }
}
