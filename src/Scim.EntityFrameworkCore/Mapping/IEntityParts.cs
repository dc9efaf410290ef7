using System.Text.Json.Nodes;
using Scim.Core.Querying;
using Scim.Core.Schema;

namespace Scim.EntityFrameworkCore;

/// <summary>
/// What an entity holds beyond its mapped columns: the rows of a user's multi-valued attributes,
/// the JSON of extension schemas. The SCIM-owned model has them; a host's entity map has none.
/// </summary>
internal interface IEntityParts<TEntity>
    where TEntity : class
{
    /// <summary>Adds the parts' values to a resource's JSON.</summary>
    void AddTo(JsonObject tree, TEntity entity);

    /// <summary>
    /// Adds the parts' values to a typed resource being made from the entity's members, as
    /// <see cref="AddTo"/> and the serializer would give them; <see langword="false"/> when they
    /// must go through the JSON (values the typed model would not read as they are), and the
    /// resource is then discarded.
    /// </summary>
    bool TryAddTo(Scim.Core.Resources.ScimResource resource, TEntity entity);

    /// <summary>Stores a resource's values of the parts on the entity (replacing what it held).</summary>
    void Apply(JsonObject tree, TEntity entity);

    /// <summary>Maps the parts' attributes for filters and sorting.</summary>
    void Map(AttributeMapping<TEntity> mapping);

    /// <summary>Whether a read with these hints uses any of the parts' attributes (a check that members exist wants the id alone).</summary>
    bool NeededFor(Scim.Core.Stores.ReadHints hints);

    /// <summary>Loads the parts with the entity, tracked (a write, which replaces them).</summary>
    IQueryable<TEntity> Include(IQueryable<TEntity> query);

    /// <summary>
    /// Loads the parts of entities read without them, for a read: nothing when a copy in the row
    /// holds them, otherwise one query for all the entities.
    /// </summary>
    Task LoadAsync(Microsoft.EntityFrameworkCore.DbContext db, IReadOnlyList<TEntity> entities, CancellationToken cancellationToken);
}
