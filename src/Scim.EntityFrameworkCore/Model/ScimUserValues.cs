using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Scim.Core.Querying;
using Scim.Core.Resources;
using Scim.Core.Serialization;

namespace Scim.EntityFrameworkCore;

/// <summary>
/// A user's multi-valued attributes as <see cref="ScimUserValueEntity"/> rows, one per value, in
/// the order given (what filters and sorting query), with a JSON copy of them in the user's row
/// (what reads take: no second query); and the JSON of extension schemas other than Enterprise User.
/// </summary>
internal sealed class ScimUserValues : IEntityParts<ScimUserEntity>
{
    /// <summary>The multi-valued attributes of the core User schema the rows hold.</summary>
    private static readonly string[] Attributes = ["emails", "phoneNumbers", "ims", "photos", "addresses", "entitlements", "roles", "x509Certificates"];

    private readonly ExtensionsJson<ScimUserEntity> _extensions = new(u => u.Extensions, (u, json) => u.Extensions = json, [Scim.Core.Schema.ScimSchemaUris.EnterpriseUser]);

    public void AddTo(JsonObject tree, ScimUserEntity entity)
    {
        // The copy kept beside the rows, the tree taking its nodes as they are; the rows when there
        // is none or it is not usable (text written by other code), which reads then load
        // (LoadAsync) and writes always have.
        entity.CheckedValues = null;
        if (CopyOf(entity) is { } copy)
        {
            foreach (var name in Attributes)
            {
                if (copy.Remove(name, out var values) && values is JsonArray)
                {
                    tree[name] = values;
                }
            }
        }
        else
        {
            AddRows(tree, entity.Values.OrderBy(v => v.Ordinal));
        }

        _extensions.AddTo(tree, entity);
    }

    public bool TryAddTo(ScimResource resource, ScimUserEntity entity)
    {
        // The copy read into the typed lists (by the read that checked it, or now); the rows take the JSON way.
        var values = entity.CheckedValues ?? ListsOf(entity.ValuesJson);
        entity.CheckedValues = null;
        if (values is null || resource is not User user)
        {
            return false;
        }

        user.TakeValuesOf(values);
        return _extensions.TryAddTo(resource, entity);
    }

    public void Apply(JsonObject tree, ScimUserEntity entity)
    {
        var rows = new List<ScimUserValueEntity>();
        foreach (var attribute in Attributes)
        {
            if (tree[attribute] is not JsonArray values)
            {
                continue;
            }

            var ordinal = 0;
            foreach (var node in values)
            {
                if (node is not JsonObject value)
                {
                    continue;
                }

                rows.Add(new ScimUserValueEntity
                {
                    UserId = entity.Id,
                    Attribute = attribute,
                    Ordinal = ordinal++,
                    Value = Text(value, "value"),
                    Display = Text(value, "display"),
                    Type = Text(value, "type"),
                    Primary = value["primary"] is JsonValue flag && flag.TryGetValue<bool>(out var primary) ? primary : null,
                    Formatted = Text(value, "formatted"),
                    StreetAddress = Text(value, "streetAddress"),
                    Locality = Text(value, "locality"),
                    Region = Text(value, "region"),
                    PostalCode = Text(value, "postalCode"),
                    Country = Text(value, "country"),
                });
            }
        }

        // Replaced whole: the old rows are deleted (orphans of a required relationship), the new inserted;
        // the JSON copy is made from the new rows, so it reads back exactly as the rows would.
        entity.Values.Clear();
        entity.Values.AddRange(rows);
        var copy = new JsonObject();
        AddRows(copy, rows);
        entity.ValuesJson = copy.ToJsonString();
        _extensions.Apply(tree, entity);
    }

    public void Map(AttributeMapping<ScimUserEntity> mapping)
    {
        foreach (var attribute in Attributes)
        {
            var name = attribute;
            mapping.MapCollection(name, u => u.Values.Where(v => v.Attribute == name), element =>
            {
                element.Map("value", v => v.Value).Map("display", v => v.Display).Map("type", v => v.Type).Map("primary", v => v.Primary);
                if (name == "addresses")
                {
                    element.Map("formatted", v => v.Formatted).Map("streetAddress", v => v.StreetAddress).Map("locality", v => v.Locality)
                        .Map("region", v => v.Region).Map("postalCode", v => v.PostalCode).Map("country", v => v.Country);
                }
            });
        }
    }

    public IQueryable<ScimUserEntity> Include(IQueryable<ScimUserEntity> query) => query.Include(u => u.Values);

    public bool NeededFor(Scim.Core.Stores.ReadHints hints) => Attributes.Any(hints.Includes);

    public async Task LoadAsync(DbContext db, IReadOnlyList<ScimUserEntity> entities, CancellationToken cancellationToken)
    {
        if (entities.Count == 1)
        {
            // A read by id: its own compiled query.
            var entity = entities[0];
            if (!Usable(entity))
            {
                await foreach (var value in ValuesOf.Of(db)(db, entity.Id).WithCancellation(cancellationToken).ConfigureAwait(false))
                {
                    entity.Values.Add(value);
                }
            }

            return;
        }

        // A page: the rows of the users without a copy (written before the copy existed), in one query per chunk.
        var missing = entities.Where(e => !Usable(e)).ToDictionary(e => e.Id, StringComparer.Ordinal);
        foreach (var chunk in missing.Keys.Chunk(SqlLists.Chunk))
        {
            var ids = chunk.ToList();
            foreach (var value in await db.Set<ScimUserValueEntity>().AsNoTracking().Where(v => ids.Contains(v.UserId)).OrderBy(v => v.Id).ToListAsync(cancellationToken).ConfigureAwait(false))
            {
                missing[value.UserId].Values.Add(value);
            }
        }
    }

    /// <summary>Whether the entity's copy can be read (kept read for <see cref="TryAddTo"/>); when not, its rows are.</summary>
    private static bool Usable(ScimUserEntity entity) => (entity.CheckedValues = ListsOf(entity.ValuesJson)) is not null;

    /// <summary>
    /// The entity's copy as a JSON object, or <see langword="null"/> when there is none or it is not
    /// usable: not a JSON object of lists the typed model reads (what <see cref="Usable"/> asks).
    /// </summary>
    private static JsonObject? CopyOf(ScimUserEntity entity) =>
        ListsOf(entity.ValuesJson) is null ? null : JsonNode.Parse(entity.ValuesJson!) as JsonObject;

    /// <summary>
    /// The copy's lists, read by the serializer as a user's (a user with those lists alone), or
    /// <see langword="null"/> when there is none or it is not a JSON object whose lists it reads.
    /// </summary>
    private static User? ListsOf(string? json)
    {
        if (json is null)
        {
            return null;
        }

        try
        {
            return System.Text.Json.JsonSerializer.Deserialize(json, ScimJson.UserInfo);
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    /// <summary>The compiled query of a user's value rows, per model.</summary>
    private static readonly PerModel<Func<DbContext, string, IAsyncEnumerable<ScimUserValueEntity>>> ValuesOf = new(static _ => EF.CompileAsyncQuery<DbContext, string, ScimUserValueEntity>((db, user) =>
        db.Set<ScimUserValueEntity>().AsNoTracking().Where(v => v.UserId == user).OrderBy(v => v.Id)));

    /// <summary>The rows, in the order given, as one array per attribute.</summary>
    private static void AddRows(JsonObject tree, IEnumerable<ScimUserValueEntity> rows)
    {
        foreach (var group in rows.GroupBy(v => v.Attribute, StringComparer.Ordinal))
        {
            var array = new JsonArray();
            foreach (var row in group)
            {
                var value = new JsonObject();
                Put(value, "value", row.Value);
                Put(value, "display", row.Display);
                Put(value, "type", row.Type);
                if (row.Primary is { } primary)
                {
                    value["primary"] = primary;
                }

                Put(value, "formatted", row.Formatted);
                Put(value, "streetAddress", row.StreetAddress);
                Put(value, "locality", row.Locality);
                Put(value, "region", row.Region);
                Put(value, "postalCode", row.PostalCode);
                Put(value, "country", row.Country);
                array.Add(value);
            }

            tree[group.Key] = array;
        }
    }

    private static void Put(JsonObject value, string name, string? text)
    {
        if (!string.IsNullOrEmpty(text))
        {
            value[name] = text;
        }
    }

    private static string? Text(JsonObject value, string name) =>
        value[name] is JsonValue text && text.TryGetValue<string>(out var s) ? s : null;
}
