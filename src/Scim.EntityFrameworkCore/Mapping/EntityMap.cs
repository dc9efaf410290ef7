using System.Globalization;
using System.Linq.Expressions;
using Scim.Core.Querying;

namespace Scim.EntityFrameworkCore;

/// <summary>
/// How a host's existing entity class holds a SCIM resource: its key (kept as the resource's
/// <c>id</c>, whatever its type), and the SCIM attributes its columns keep. What is not mapped is
/// not kept, and the service says so (in <c>/Schemas</c>, and by refusing or dropping it on input).
/// </summary>
/// <typeparam name="TEntity">The entity class.</typeparam>
public sealed class EntityMap<TEntity>
    where TEntity : class
{
    private readonly List<MappedAttribute> _attributes = [];

    internal EntityMap()
    {
    }

    internal LambdaExpression? Key { get; private set; }

    internal LambdaExpression? TenantColumn { get; private set; }

    /// <summary>The tenant member's value for a request's tenant, when the member is not a string.</summary>
    internal Func<string, object>? TenantFromRequest { get; private set; }

    internal LambdaExpression? VersionColumn { get; private set; }

    internal LambdaExpression? CreatedColumn { get; private set; }

    internal LambdaExpression? LastModifiedColumn { get; private set; }

    internal CaseFolding? Folding { get; private set; }

    /// <summary>The member that marks a row deleted (<see cref="SoftDelete(Expression{Func{TEntity, DateTime?}})"/>), if any.</summary>
    internal LambdaExpression? DeletedColumn { get; private set; }

    /// <summary>What the entity holds beyond its mapped members (the SCIM-owned model's value rows and extension JSON).</summary>
    internal IEntityParts<TEntity>? Parts { get; set; }

    internal IReadOnlyList<MappedAttribute> Attributes => _attributes;

    /// <summary>
    /// The entity's key, which becomes the resource's <c>id</c>: an <see cref="int"/> or
    /// <see cref="long"/> the database generates (the store assigns ids), or a <see cref="string"/>
    /// or <see cref="Guid"/> that takes the id the service proposes.
    /// </summary>
    /// <typeparam name="TKey">The key's type.</typeparam>
    /// <param name="key">The key member, e.g. <c>a =&gt; a.AccountId</c>.</param>
    /// <returns>This map.</returns>
    public EntityMap<TEntity> Id<TKey>(Expression<Func<TEntity, TKey>> key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (typeof(TKey) != typeof(int) && typeof(TKey) != typeof(long) && typeof(TKey) != typeof(string) && typeof(TKey) != typeof(Guid))
        {
            throw new ArgumentException($"A key of type {typeof(TKey).Name} cannot be a SCIM id: use an int, long, string or Guid key.", nameof(key));
        }

        Key = key;
        return this;
    }

    /// <summary>
    /// Maps an attribute to a member that holds it as it is (<c>userName</c> to <c>a =&gt; a.Email</c>,
    /// <c>name.givenName</c> to <c>a =&gt; a.FirstName</c>, an extension attribute by its URN path).
    /// Writes assign the member; filters and sorting compare it in SQL.
    /// </summary>
    /// <remarks>
    /// A multi-valued attribute is kept one value per type, each in the entity's own columns, by
    /// naming the type in the path as the identity providers do: <c>emails[type eq "work"].value</c>
    /// to <c>a =&gt; a.Email</c>, <c>phoneNumbers[type eq "mobile"].value</c> to <c>a =&gt; a.Mobile</c>,
    /// <c>addresses[type eq "work"].locality</c> to <c>a =&gt; a.City</c>. Reads give each type's
    /// value that has one, the first type mapped marked <c>primary</c>. Writes keep the value of each
    /// mapped type (the primary one among several); the first type mapped also takes the primary
    /// value, else the first, when no value has its type, so an account's one email column keeps
    /// the email whatever type the identity provider gave it. Values of other types are not kept.
    /// Filters on the attribute (<c>emails.value eq</c>, <c>emails[type eq "work"].value eq</c>,
    /// <c>emails pr</c>) test the columns in SQL.
    /// </remarks>
    /// <typeparam name="TValue">The member's type: a string, bool, number, DateTime or DateTimeOffset (nullable or not).</typeparam>
    /// <param name="path">The SCIM attribute path.</param>
    /// <param name="member">The member.</param>
    /// <returns>This map.</returns>
    public EntityMap<TEntity> Map<TValue>(string path, Expression<Func<TEntity, TValue>> member)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(member);
        _attributes.Add(new MappedAttribute(path, member, Setter.Of(member, orWriteAction: true)) { EmptyWhenAbsent = Setter.IsNonNullableString(member), Written = [Setter.MemberOf(member)] });
        return this;
    }

    /// <summary>
    /// Maps an attribute that the entity holds another way: <paramref name="read"/> gives the SCIM
    /// value (and is translated to SQL for filters, so keep it to what the provider translates,
    /// e.g. <c>a =&gt; !a.IsDisabled</c> for <c>active</c>); <paramref name="write"/> stores one.
    /// </summary>
    /// <typeparam name="TValue">The SCIM value's type.</typeparam>
    /// <param name="path">The SCIM attribute path.</param>
    /// <param name="read">The value, from the entity.</param>
    /// <param name="write">Stores a value on the entity.</param>
    /// <returns>This map.</returns>
    public EntityMap<TEntity> Map<TValue>(string path, Expression<Func<TEntity, TValue>> read, Action<TEntity, TValue> write)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(read);
        ArgumentNullException.ThrowIfNull(write);
        _attributes.Add(new MappedAttribute(path, read, (entity, value) => write((TEntity)entity, (TValue)value!)));
        return this;
    }

    /// <summary>
    /// Maps the Enterprise User's <c>manager</c> to a member holding the manager's key (a
    /// <c>ManagerId</c> column referring to the same table): reads give <c>manager.value</c> as the
    /// manager's id; a write is kept only when it names a user this store serves in the request's
    /// tenant (not another tenant's, not one deleted softly), else it is 400 <c>invalidValue</c>,
    /// checked in the write's transaction; <c>manager.value eq "42"</c> compares the column. When
    /// the manager is deleted, softly or not, the users it managed lose it, in the delete's transaction.
    /// </summary>
    /// <typeparam name="TKey">The member's type: the key's type, nullable (<c>int?</c> for an <c>int</c> key).</typeparam>
    /// <param name="member">The member, e.g. <c>a =&gt; a.ManagerId</c>.</param>
    /// <returns>This map.</returns>
    public EntityMap<TEntity> MapManager<TKey>(Expression<Func<TEntity, TKey>> member)
    {
        ArgumentNullException.ThrowIfNull(member);
        var key = Nullable.GetUnderlyingType(typeof(TKey)) ?? typeof(TKey);
        if (key != typeof(int) && key != typeof(long) && key != typeof(Guid) && key != typeof(string))
        {
            throw new ArgumentException($"A manager member holds a key: an int?, long?, Guid? or string, not {typeof(TKey).Name}.", nameof(member));
        }

        var set = Setter.Of(member);

        // The id as text for reads (compiled, never sent to SQL: filters compare the member itself).
        Expression text = key == typeof(string)
            ? member.Body
            : Expression.Condition(
                Expression.Equal(member.Body, Expression.Constant(null, typeof(TKey))),
                Expression.Constant(null, typeof(string)),
                Expression.Call(Expression.Convert(member.Body, key), key.GetMethod(nameof(ToString), [typeof(IFormatProvider)]) ?? key.GetMethod(nameof(ToString), Type.EmptyTypes)!, key == typeof(Guid) ? [] : [Expression.Constant(CultureInfo.InvariantCulture, typeof(IFormatProvider))]));
        var read = Expression.Lambda<Func<TEntity, string?>>(text, member.Parameters);
        _attributes.Add(new MappedAttribute(Scim.Core.Schema.ScimSchemaUris.EnterpriseUser + ":manager.value", read, (entity, value) => set(entity, value switch
        {
            null => null,
            string id => ManagerKey(id, key) ?? throw Scim.Core.Errors.ScimException.BadRequest(Scim.Core.Errors.ScimErrorType.InvalidValue, $"The manager '{id}' is not a User of this tenant."),
            _ => throw new FormatException("A manager's id is text."),
        }))
        {
            Compared = member,
            Written = [Setter.MemberOf(member)],
            IsManager = true,
        });
        return this;
    }

    /// <summary>
    /// Maps a string attribute to a member that holds it as it is and a second member that holds
    /// it normalized (ASP.NET Core Identity's <c>UserName</c> and <c>NormalizedUserName</c>): writes
    /// set both; filters and sorting compare the normalized one, so a unique index on it answers
    /// <c>userName eq</c> and settles racing creates.
    /// </summary>
    /// <param name="path">The SCIM attribute path, e.g. <c>userName</c>.</param>
    /// <param name="member">The member holding the value as it was given.</param>
    /// <param name="normalized">The member holding the normalized value.</param>
    /// <param name="normalize">How values are normalized; <see langword="null"/> for <see cref="string.ToUpperInvariant()"/>.</param>
    /// <returns>This map.</returns>
    public EntityMap<TEntity> MapNormalized(string path, Expression<Func<TEntity, string?>> member, Expression<Func<TEntity, string?>> normalized, Func<string, string>? normalize = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(member);
        ArgumentNullException.ThrowIfNull(normalized);
        normalize ??= static value => value.ToUpperInvariant();
        var write = Setter.Of(member);
        var writeNormalized = Setter.Of(normalized);
        _attributes.Add(new MappedAttribute(path, member, (entity, value) =>
        {
            write(entity, value);
            writeNormalized(entity, value is string text ? normalize(text) : null);
        })
        {
            Compared = normalized,
            Folding = CaseFolding.NormalizedColumn(normalize),
            EmptyWhenAbsent = Setter.IsNonNullableString(member),
            Written = [Setter.MemberOf(member), Setter.MemberOf(normalized)],
        });
        return this;
    }

    /// <summary>The member holding <c>meta.created</c>; set on create when it is still the default.</summary>
    /// <typeparam name="TValue">A <see cref="DateTime"/> (taken as UTC) or <see cref="DateTimeOffset"/>.</typeparam>
    /// <param name="member">The member.</param>
    /// <returns>This map.</returns>
    public EntityMap<TEntity> Created<TValue>(Expression<Func<TEntity, TValue>> member)
    {
        CreatedColumn = TimeMember(member);
        return this;
    }

    /// <summary>The member holding <c>meta.lastModified</c>, set on every change. Without one, responses have no <c>lastModified</c>.</summary>
    /// <typeparam name="TValue">A <see cref="DateTime"/> (taken as UTC) or <see cref="DateTimeOffset"/>.</typeparam>
    /// <param name="member">The member.</param>
    /// <returns>This map.</returns>
    public EntityMap<TEntity> LastModified<TValue>(Expression<Func<TEntity, TValue>> member)
    {
        LastModifiedColumn = TimeMember(member);
        return this;
    }

    /// <summary>
    /// A string member that keeps <c>meta.version</c> as the service gives it: an entity tag such as
    /// <c>W/"1f3a9c0b7d2e4a61"</c>, quotes included (about 20 characters; give the column room). A
    /// value your own code writes there (a bare Guid) is served as <c>W/"&lt;value&gt;"</c>. Without
    /// one, the version is computed from the mapped values (a change of them changes it), and a
    /// write conditioned on it compares the values read in the same transaction.
    /// </summary>
    /// <param name="member">The member.</param>
    /// <returns>This map.</returns>
    public EntityMap<TEntity> Version(Expression<Func<TEntity, string?>> member)
    {
        ArgumentNullException.ThrowIfNull(member);
        VersionColumn = member;
        return this;
    }

    /// <summary>A string member naming the tenant of each row. Without one, the store serves a single tenant and ignores the request's.</summary>
    /// <param name="member">The member.</param>
    /// <returns>This map.</returns>
    public EntityMap<TEntity> Tenant(Expression<Func<TEntity, string>> member)
    {
        ArgumentNullException.ThrowIfNull(member);
        TenantColumn = member;
        TenantFromRequest = null;
        return this;
    }

    /// <summary>
    /// A <see cref="Guid"/> member holding the tenant of each row (a <c>TenantId</c> foreign key):
    /// the request's tenant (<c>ScimContext.Tenant</c>, from the route, the resolver or the token)
    /// is that Guid as text. A request whose tenant is not a Guid is 403.
    /// </summary>
    /// <param name="member">The member.</param>
    /// <returns>This map.</returns>
    public EntityMap<TEntity> Tenant(Expression<Func<TEntity, Guid>> member) =>
        Tenant(member, static tenant => Guid.Parse(tenant, CultureInfo.InvariantCulture));

    /// <summary>
    /// A member of another type holding the tenant of each row (an <c>int</c> or <c>Guid</c>
    /// foreign key), with how the request's tenant (<c>ScimContext.Tenant</c>, text) names it:
    /// rows are compared, and new rows stamped, with <paramref name="fromTenant"/>'s value, as a
    /// query parameter of the member's type, so an index on the column answers. A tenant the
    /// function refuses (a <see cref="FormatException"/>, <see cref="OverflowException"/> or
    /// <see cref="ArgumentException"/>) makes the request 403.
    /// </summary>
    /// <typeparam name="TTenant">The member's type.</typeparam>
    /// <param name="member">The member.</param>
    /// <param name="fromTenant">The member's value for a request's tenant.</param>
    /// <returns>This map.</returns>
    public EntityMap<TEntity> Tenant<TTenant>(Expression<Func<TEntity, TTenant>> member, Func<string, TTenant> fromTenant)
    {
        ArgumentNullException.ThrowIfNull(member);
        ArgumentNullException.ThrowIfNull(fromTenant);
        TenantColumn = member;
        TenantFromRequest = tenant => fromTenant(tenant)!;
        return this;
    }

    /// <summary>
    /// Deletes softly: a DELETE sets <paramref name="member"/> to the time of the delete instead of
    /// removing the row, and from then on the row is gone for SCIM (404, in no list, filter, count,
    /// uniqueness check or group) while your app keeps it (audit, rows of yours that refer to it).
    /// The row's memberships are removed as with a delete. A row whose member is set by your own
    /// code is gone for SCIM too, but the membership rows that name it stay until your code removes them. Give the unique indexes of SCIM's unique attributes a filter on
    /// the member (<c>HasFilter(""DeletedUtc" IS NULL")</c>), or a deleted row's <c>userName</c>
    /// cannot be used again (409 <c>uniqueness</c>).
    /// </summary>
    /// <param name="member">A nullable time member, <see langword="null"/> while the row is not deleted.</param>
    /// <returns>This map.</returns>
    public EntityMap<TEntity> SoftDelete(Expression<Func<TEntity, DateTime?>> member) => Deleted(member);

    /// <summary>Deletes softly, the time of the delete kept as a <see cref="DateTimeOffset"/> (see <see cref="SoftDelete(Expression{Func{TEntity, DateTime?}})"/>).</summary>
    /// <param name="member">A nullable time member, <see langword="null"/> while the row is not deleted.</param>
    /// <returns>This map.</returns>
    public EntityMap<TEntity> SoftDelete(Expression<Func<TEntity, DateTimeOffset?>> member) => Deleted(member);

    /// <summary>Deletes softly with a flag: a DELETE sets it to <see langword="true"/> (see <see cref="SoftDelete(Expression{Func{TEntity, DateTime?}})"/>).</summary>
    /// <param name="member">A <see cref="bool"/> member, <see langword="true"/> once the row is deleted.</param>
    /// <returns>This map.</returns>
    public EntityMap<TEntity> SoftDelete(Expression<Func<TEntity, bool>> member) => Deleted(member);

    private EntityMap<TEntity> Deleted(LambdaExpression member)
    {
        ArgumentNullException.ThrowIfNull(member);
        _ = Setter.Of(member); // a column of the entity itself, settable
        DeletedColumn = member;
        return this;
    }

    /// <summary>
    /// How strings that SCIM compares case-insensitively (<c>userName</c>, most attributes) are
    /// compared in SQL. The default, <see cref="CaseFolding.ToLower"/>, works on any column but an
    /// ordinary index cannot answer it; over a column that already compares case-insensitively
    /// (SQLite <c>COLLATE NOCASE</c>, PostgreSQL <c>citext</c> or a nondeterministic collation) use
    /// <see cref="CaseFolding.None"/>, over one that holds the value folded use <see cref="CaseFolding.NormalizedColumn"/>.
    /// </summary>
    /// <param name="folding">The folding.</param>
    /// <returns>This map.</returns>
    public EntityMap<TEntity> CompareCaseInsensitively(CaseFolding folding)
    {
        ArgumentNullException.ThrowIfNull(folding);
        Folding = folding;
        return this;
    }

    /// <summary>
    /// The SCIM paths this map keeps (what the store declares to the service): a type's value of a
    /// multi-valued attribute keeps its mapped sub-attributes, with <c>type</c> and <c>primary</c>.
    /// </summary>
    /// <param name="registry">The schemas, to know whether a multi-valued attribute has <c>primary</c>.</param>
    /// <param name="resourceType">The resource type the map keeps.</param>
    internal IEnumerable<string> PathsIn(Scim.Core.Schema.SchemaRegistry registry, string resourceType) =>
        [.. _attributes.SelectMany(a => TypedValuePath.Parse(a.Path) is { } typed
            ? [typed.SubPath, $"{typed.Attribute}.type", .. HasPrimary(registry, resourceType, typed.Attribute) ? new[] { $"{typed.Attribute}.primary" } : []]
            : new[] { a.Path }).Distinct(StringComparer.OrdinalIgnoreCase), .. CreatedColumn is null ? [] : new[] { "meta.created" }, .. LastModifiedColumn is null ? [] : new[] { "meta.lastModified" }];

    /// <summary>The key an id names, as ids are read everywhere (<see cref="LinqFilterTranslator.ParseKey"/>), or <see langword="null"/> when it names none.</summary>
    private static object? ManagerKey(string id, Type key) => key == typeof(string) ? id : LinqFilterTranslator.ParseKey(id, key);

    private static bool HasPrimary(Scim.Core.Schema.SchemaRegistry registry, string resourceType, string attribute) =>
        registry.FindResourceType(resourceType) is { } type && registry.TryResolveAttribute(type, attribute + ".primary", out _, out _);

    private static Expression<Func<TEntity, TValue>> TimeMember<TValue>(Expression<Func<TEntity, TValue>> member)
    {
        ArgumentNullException.ThrowIfNull(member);
        var type = Nullable.GetUnderlyingType(typeof(TValue)) ?? typeof(TValue);
        return type == typeof(DateTime) || type == typeof(DateTimeOffset)
            ? member
            : throw new ArgumentException($"A time member is a DateTime or DateTimeOffset, not {typeof(TValue).Name}.", nameof(member));
    }
}

/// <summary>One SCIM attribute and where the entity keeps it.</summary>
/// <param name="Path">The SCIM attribute path, as mapped.</param>
/// <param name="Read">The value, from the entity (translated to SQL for filters and sorting).</param>
/// <param name="Write">Stores a value (boxed, of the read's type) on the entity.</param>
internal sealed record MappedAttribute(string Path, LambdaExpression Read, Action<object, object?> Write)
{
    /// <summary>What filters and sorting compare, when not <see cref="Read"/> (a normalized copy).</summary>
    public LambdaExpression? Compared { get; init; }

    /// <summary>How <see cref="Compared"/> is compared case-insensitively.</summary>
    public CaseFolding? Folding { get; init; }

    /// <summary>Whether an absent value is written as the empty string (a member declared non-nullable; see <see cref="Setter.IsNonNullableString"/>).</summary>
    public bool EmptyWhenAbsent { get; init; }

    /// <summary>Whether this is the manager mapped by <c>MapManager</c>: a key of the same table, checked and released.</summary>
    public bool IsManager { get; init; }

    /// <summary>The members the map's own setter writes (none for a write action of the host's).</summary>
    public IReadOnlyList<System.Reflection.MemberInfo> Written { get; init; } = [];
}
