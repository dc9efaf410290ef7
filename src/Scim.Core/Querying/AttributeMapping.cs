using System.Linq.Expressions;

namespace Scim.Core.Querying;

/// <summary>
/// Maps SCIM attribute paths to members of a store's own entity type, so that filters and sorting
/// can be translated into LINQ that a database provider runs as SQL. Paths are matched
/// case-insensitively; an extension attribute may be mapped with or without its schema URN.
/// </summary>
/// <typeparam name="T">The entity type (a table row, an EF Core entity, a typed resource).</typeparam>
/// <example>
/// <code>
/// var mapping = new AttributeMapping&lt;UserRow&gt;()
///     .Map("id", u =&gt; u.Id)
///     .Map("userName", u =&gt; u.Email)
///     .Map("name.givenName", u =&gt; u.FirstName)
///     .MapCollection("emails", u =&gt; u.Addresses, e =&gt; e
///         .Map("value", a =&gt; a.Address)
///         .Map("type", a =&gt; a.Kind));
/// </code>
/// </example>
public sealed class AttributeMapping<T> : AttributeMapping
{
    /// <summary>Creates an empty mapping.</summary>
    public AttributeMapping()
        : base(typeof(T))
    {
    }

    /// <summary>Maps a simple attribute or sub-attribute (<c>userName</c>, <c>name.givenName</c>, <c>meta.lastModified</c>) to a member.</summary>
    /// <typeparam name="TValue">The member's type: a string, number, bool, DateTime or DateTimeOffset (nullable or not).</typeparam>
    /// <param name="path">The SCIM attribute path.</param>
    /// <param name="member">The member, e.g. <c>u =&gt; u.Profile.FirstName</c>.</param>
    /// <returns>This mapping.</returns>
    public AttributeMapping<T> Map<TValue>(string path, Expression<Func<T, TValue>> member)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(member);
        Add(path, new MemberMapping(member));
        return this;
    }

    /// <summary>
    /// Maps a simple attribute to a member compared with its own <see cref="CaseFolding"/> rather
    /// than the translator's: typically a normalized copy of the value with a unique index, as
    /// ASP.NET Core Identity's <c>NormalizedUserName</c>
    /// (<c>Map("userName", u =&gt; u.NormalizedUserName, CaseFolding.NormalizedColumn())</c>), so that
    /// <c>userName eq</c> is an index search while other attributes fold as usual.
    /// </summary>
    /// <typeparam name="TValue">The member's type.</typeparam>
    /// <param name="path">The SCIM attribute path.</param>
    /// <param name="member">The member filters and sorting compare.</param>
    /// <param name="caseFolding">How the member is compared when the attribute is not caseExact.</param>
    /// <returns>This mapping.</returns>
    public AttributeMapping<T> Map<TValue>(string path, Expression<Func<T, TValue>> member, CaseFolding caseFolding)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(member);
        ArgumentNullException.ThrowIfNull(caseFolding);
        Add(path, new MemberMapping(member, caseFolding));
        return this;
    }

    /// <summary>
    /// Maps a multi-valued complex attribute (<c>emails</c>, <c>members</c>) to a child collection,
    /// with the element's sub-attributes mapped to the element's members.
    /// </summary>
    /// <typeparam name="TElement">The element type.</typeparam>
    /// <param name="path">The SCIM attribute, e.g. <c>emails</c>.</param>
    /// <param name="collection">The collection, e.g. <c>u =&gt; u.EmailAddresses</c>.</param>
    /// <param name="elements">Maps the sub-attributes (<c>value</c>, <c>type</c>, <c>primary</c>, ...).</param>
    /// <returns>This mapping.</returns>
    public AttributeMapping<T> MapCollection<TElement>(string path, Expression<Func<T, IEnumerable<TElement>>> collection, Action<AttributeMapping<TElement>> elements)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(collection);
        ArgumentNullException.ThrowIfNull(elements);
        var elementMapping = new AttributeMapping<TElement>();
        elements(elementMapping);
        Add(path, new CollectionMapping(collection, typeof(TElement), elementMapping));
        return this;
    }
}

/// <summary>The untyped view of an <see cref="AttributeMapping{T}"/>.</summary>
public abstract class AttributeMapping
{
    private readonly Dictionary<string, Mapping> _entries = new(StringComparer.OrdinalIgnoreCase);

    private protected AttributeMapping(Type entityType) => EntityType = entityType;

    /// <summary>The entity type the mapping reads.</summary>
    public Type EntityType { get; }

    /// <summary>The mapped paths, as registered.</summary>
    public IEnumerable<string> Paths => _entries.Keys;

    private protected void Add(string path, Mapping mapping)
    {
        if (!_entries.TryAdd(path, mapping))
        {
            throw new ArgumentException($"The path '{path}' is already mapped.", nameof(path));
        }
    }

    internal Mapping? Find(string path) => _entries.GetValueOrDefault(path);

    /// <summary>
    /// Maps one sub-attribute of the value of one <paramref name="type"/> of a multi-valued complex
    /// attribute to a member of the entity itself (<c>emails[type eq "work"].value</c> to
    /// <c>u =&gt; u.Email</c>): the entity keeps at most one value of each mapped type, in its own
    /// columns, and filters on the attribute test each type's members (see <see cref="TypedValuesMapping"/>).
    /// The first type mapped for an attribute is its primary one, when the attribute has <c>primary</c>.
    /// </summary>
    /// <param name="attributePath">The attribute's path, as resolved (<c>emails</c>, or with its URN).</param>
    /// <param name="type">The value's type.</param>
    /// <param name="subAttribute">The sub-attribute the member keeps.</param>
    /// <param name="member">The member holding it, which says whether the value exists and what it sorts by.</param>
    /// <param name="compared">What filters compare (a normalized copy), when not <paramref name="member"/>.</param>
    /// <param name="folding">How <paramref name="compared"/> is compared case-insensitively, when not as the translator's default.</param>
    /// <param name="hasPrimary">Whether the attribute has a <c>primary</c> sub-attribute.</param>
    internal void MapTypedValue(string attributePath, string type, string subAttribute, LambdaExpression member, LambdaExpression? compared, CaseFolding? folding, bool hasPrimary)
    {
        if (!_entries.TryGetValue(attributePath, out var existing))
        {
            _entries[attributePath] = existing = new TypedValuesMapping();
        }

        if (existing is not TypedValuesMapping values)
        {
            throw new ArgumentException($"The path '{attributePath}' is already mapped.", nameof(attributePath));
        }

        var value = values.Values.FirstOrDefault(v => string.Equals(v.Type, type, StringComparison.OrdinalIgnoreCase));
        if (value is null)
        {
            value = new TypedValue(type, new TypedValueElements(EntityType, values));
            value.Elements.Add("type", new MemberMapping(Expression.Lambda(Expression.Constant(type), Expression.Parameter(EntityType, "entity"))));
            if (hasPrimary && values.Values.Count == 0)
            {
                // Only the primary value has "primary" (true); the others leave it out, as reads do.
                value.Elements.Add("primary", new MemberMapping(Expression.Lambda(Expression.Constant(true), Expression.Parameter(EntityType, "entity"))));
            }

            values.Values.Add(value);
        }

        value.Elements.Add(subAttribute, new MemberMapping(compared ?? member, folding));
        value.Stored.Add(member);
        value.Sorted[subAttribute] = member;
    }

    /// <summary>The mapping of a resolved attribute: by its canonical path, or, for an extension attribute, also without its URN.</summary>
    internal Mapping? Find(Schema.ResolvedAttribute resolved)
    {
        if (Find(resolved.Path) is { } mapping)
        {
            return mapping;
        }

        if (!resolved.IsExtension)
        {
            return null;
        }

        var local = resolved.SubAttribute is null ? resolved.Attribute.Name : $"{resolved.Attribute.Name}.{resolved.SubAttribute.Name}";
        return Find(local);
    }

    /// <summary>The body of a mapping lambda with its parameter replaced by <paramref name="target"/>, so it can be embedded in a larger expression.</summary>
    internal static Expression Inline(LambdaExpression lambda, Expression target) =>
        new ParameterReplacer(lambda.Parameters[0], target).Visit(lambda.Body);

    internal abstract class Mapping;

    internal sealed class MemberMapping(LambdaExpression member, CaseFolding? folding = null) : Mapping
    {
        public LambdaExpression Member { get; } = member;

        /// <summary>How this member is compared case-insensitively, when not as the translator's default.</summary>
        public CaseFolding? Folding { get; } = folding;
    }

    private sealed class ParameterReplacer(ParameterExpression from, Expression to) : ExpressionVisitor
    {
        protected override Expression VisitParameter(ParameterExpression node) => node == from ? to : base.VisitParameter(node);
    }

    /// <summary>
    /// A multi-valued complex attribute whose values the entity keeps one per type, in its own
    /// members (an account's one <c>Email</c> column as <c>emails[type eq "work"].value</c>), in
    /// the order mapped.
    /// </summary>
    internal sealed class TypedValuesMapping : Mapping
    {
        public List<TypedValue> Values { get; } = [];
    }

    /// <summary>
    /// The value of one type: its sub-attributes mapped to the entity's members (<c>type</c> and
    /// <c>primary</c> as constants), and the members it is kept in (it exists when one has a value).
    /// </summary>
    internal sealed record TypedValue(string Type, TypedValueElements Elements)
    {
        /// <summary>The members the value is kept in: it exists when one of them has a value.</summary>
        public List<LambdaExpression> Stored { get; } = [];

        /// <summary>The members of its sub-attributes as kept (not a normalized copy), for sorting.</summary>
        public Dictionary<string, LambdaExpression> Sorted { get; } = new(StringComparer.OrdinalIgnoreCase);

        /// <summary>Whether the value exists on <paramref name="target"/>: one of its members is not null (nor an empty string).</summary>
        public Expression ExistsOn(Expression target) =>
            Stored.Select(member => LinqFilterTranslator.IsPresent(Inline(member, target))).Aggregate(Expression.OrElse);
    }

    /// <summary>The sub-attributes of a <see cref="TypedValue"/>, read from the entity itself.</summary>
    internal sealed class TypedValueElements(Type entityType, TypedValuesMapping owner) : AttributeMapping(entityType)
    {
        /// <summary>The attribute's typed values (to tell a sub-attribute another type keeps from one none keeps).</summary>
        public TypedValuesMapping Owner { get; } = owner;

        internal new void Add(string path, Mapping mapping) => base.Add(path, mapping);
    }

    internal sealed class CollectionMapping(LambdaExpression collection, Type elementType, AttributeMapping elements) : Mapping
    {
        public LambdaExpression Collection { get; } = collection;

        public Type ElementType { get; } = elementType;

        public AttributeMapping Elements { get; } = elements;
    }
}
