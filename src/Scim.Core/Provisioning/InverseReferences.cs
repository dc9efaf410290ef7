using System.Text.Json.Nodes;
using Scim.Core.Filtering;
using Scim.Core.Resources;
using Scim.Core.Schema;
using Scim.Core.Stores;

namespace Scim.Core.Provisioning;

/// <summary>
/// Read-only reference attributes the service derives from the other side, as it derives a user's
/// <c>groups</c> from the groups' members: a read-only complex attribute of a host type whose
/// <c>$ref</c> names another host type (an agent's <c>applications</c>, of type
/// <c>AgenticApplication</c>) lists the resources of that type whose own, client-set reference
/// attribute names this resource (each application's <c>agents</c>). What the schemas say decides;
/// nothing is stored twice. Asked in chunks of ids, never one resource at a time.
/// </summary>
internal sealed class InverseReferences
{
    private const int Chunk = 50;

    private readonly Dictionary<ServedType, List<Inverse>> _inverses = [];
    private readonly Func<ServedType, ReadHints> _hints;

    public InverseReferences(SchemaRegistry registry, IReadOnlyList<ServedType> served, Func<ServedType, ReadHints> hints)
    {
        _hints = hints;
        var hosted = served.Where(t => t is ServedType<JsonResource>).ToList();
        foreach (var type in hosted)
        {
            foreach (var attribute in registry.FindSchema(type.Type.Schema)?.Attributes ?? [])
            {
                if (attribute is not { Type: AttributeType.Complex, Mutability: Mutability.ReadOnly } || attribute.FindSubAttribute("$ref") is not { } target)
                {
                    continue;
                }

                foreach (var source in hosted.Where(s => !ReferenceEquals(s, type) && target.ReferenceTypes.Contains(s.Name, StringComparer.OrdinalIgnoreCase)))
                {
                    // The source's client-set reference attribute that may name this type.
                    var back = registry.FindSchema(source.Type.Schema)?.Attributes.FirstOrDefault(a =>
                        a is { Type: AttributeType.Complex, MultiValued: true } && a.Mutability != Mutability.ReadOnly
                        && a.FindSubAttribute("value") is not null
                        && a.FindSubAttribute("$ref") is { } r && r.ReferenceTypes.Contains(type.Name, StringComparer.OrdinalIgnoreCase));
                    if (back is not null)
                    {
                        if (!_inverses.TryGetValue(type, out var list))
                        {
                            _inverses[type] = list = [];
                        }

                        list.Add(new Inverse(attribute.Name, source, back.Name));
                    }
                }
            }
        }
    }

    /// <summary>The attributes of this type the service derives from the other side.</summary>
    public IEnumerable<string> Attributes(ServedType type) => _inverses.GetValueOrDefault(type)?.Select(i => i.Attribute) ?? [];

    /// <summary>Whether results of this type and projection carry derived references.</summary>
    public bool Derives(ServedType type, Projection.ScimProjection projection) =>
        _inverses.TryGetValue(type, out var list) && list.Any(i => projection.Includes(i.Attribute));

    /// <summary>The derived attributes of each resource (by id), as JSON arrays by attribute name; resources with none are absent.</summary>
    public async Task<Dictionary<string, JsonObject>> OfAsync(ScimContext context, ServedType type, Projection.ScimProjection projection, IReadOnlyList<string> ids, CancellationToken cancellationToken)
    {
        var result = new Dictionary<string, JsonObject>(StringComparer.Ordinal);
        foreach (var inverse in _inverses.GetValueOrDefault(type) ?? [])
        {
            if (!projection.Includes(inverse.Attribute))
            {
                continue;
            }

            var wanted = new HashSet<string>(ids, StringComparer.Ordinal);
            var locations = new ResourceLocations(context.BaseUrl, inverse.Source.Type);
            var path = new AttributePath(null, inverse.SourceAttribute, "value");
            for (var start = 0; start < ids.Count; start += Chunk)
            {
                var chunk = ids.Skip(start).Take(Chunk).ToList();
                FilterExpression filter = new ComparisonFilter(path, ComparisonOperator.Equal, new StringValue(chunk[0]));
                foreach (var id in chunk.Skip(1))
                {
                    filter = new OrFilter(filter, new ComparisonFilter(path, ComparisonOperator.Equal, new StringValue(id)));
                }

                var page = await inverse.Source.QueryAsync(context, new ScimQuery { Filter = filter, Count = int.MaxValue, Hints = _hints(inverse.Source), CountsTotal = false }, cancellationToken).ConfigureAwait(false);
                foreach (var source in page.Resources.OfType<JsonResource>())
                {
                    foreach (var entry in (source.Attributes[inverse.SourceAttribute] as JsonArray ?? []).OfType<JsonObject>())
                    {
                        if (entry["value"] is JsonValue value && value.TryGetValue<string>(out var id) && wanted.Contains(id))
                        {
                            if (!result.TryGetValue(id, out var derived))
                            {
                                result[id] = derived = [];
                            }

                            if (derived[inverse.Attribute] is not JsonArray list)
                            {
                                derived[inverse.Attribute] = list = [];
                            }

                            var item = new JsonObject { ["value"] = source.Id };
                            if (locations.Of(source.Id!) is { } location)
                            {
                                item["$ref"] = location;
                            }

                            if ((source.Attributes["displayName"] ?? source.Attributes["name"]) is JsonValue display)
                            {
                                item["display"] = display.DeepClone();
                            }

                            list.Add(item);
                        }
                    }
                }
            }
        }

        return result;
    }

    /// <summary>A derived attribute of a type, and the source type's attribute it is the other side of.</summary>
    private sealed record Inverse(string Attribute, ServedType Source, string SourceAttribute);
}
