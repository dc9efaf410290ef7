using System.Text.Json.Nodes;
using Scim.Core.Querying;

namespace Scim.EntityFrameworkCore;

/// <summary>
/// The attributes of extension schemas an entity has no columns for, kept as one JSON object keyed
/// by schema URN, and given back as they were. They are not mapped for filters: a filter on one is
/// refused (400), never evaluated outside the database.
/// </summary>
internal sealed class ExtensionsJson<TEntity>(Func<TEntity, string?> read, Action<TEntity, string?> write, IReadOnlyCollection<string> withColumns) : IEntityParts<TEntity>
    where TEntity : class
{
    public void AddTo(JsonObject tree, TEntity entity)
    {
        if (read(entity) is not { Length: > 0 } json || JsonNode.Parse(json) is not JsonObject extensions)
        {
            return;
        }

        foreach (var (schema, values) in extensions)
        {
            if (values is not null)
            {
                tree[schema] = values.DeepClone();
            }
        }
    }

    public bool TryAddTo(Scim.Core.Resources.ScimResource resource, TEntity entity)
    {
        if (read(entity) is not { Length: > 0 } json || JsonNode.Parse(json) is not JsonObject extensions)
        {
            return true;
        }

        // The serializer moves what AddTo adds under a "urn:" key other than a typed extension's to
        // Extensions, and reads the rest as attributes of the resource: those take the JSON way.
        var moved = new List<KeyValuePair<string, JsonNode?>>(extensions.Count);
        foreach (var (schema, values) in extensions)
        {
            if (values is null)
            {
                continue;
            }

            if (!schema.StartsWith("urn:", StringComparison.OrdinalIgnoreCase) || withColumns.Contains(schema, StringComparer.OrdinalIgnoreCase))
            {
                return false;
            }

            moved.Add(new(schema, values));
        }

        extensions.Clear();
        foreach (var (schema, values) in moved)
        {
            resource.Extensions[schema] = values;
        }

        return true;
    }

    public void Apply(JsonObject tree, TEntity entity)
    {
        var extensions = new JsonObject();
        foreach (var (key, values) in tree)
        {
            if (values is JsonObject && key.StartsWith("urn:", StringComparison.OrdinalIgnoreCase) && !withColumns.Contains(key, StringComparer.OrdinalIgnoreCase))
            {
                extensions[key] = values.DeepClone();
            }
        }

        write(entity, extensions.Count == 0 ? null : extensions.ToJsonString());
    }

    public void Map(AttributeMapping<TEntity> mapping)
    {
    }

    public IQueryable<TEntity> Include(IQueryable<TEntity> query) => query;

    public bool NeededFor(Scim.Core.Stores.ReadHints hints) => true;

    public Task LoadAsync(Microsoft.EntityFrameworkCore.DbContext db, IReadOnlyList<TEntity> entities, CancellationToken cancellationToken) => Task.CompletedTask;
}
