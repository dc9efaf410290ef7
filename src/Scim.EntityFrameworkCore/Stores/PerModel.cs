using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace Scim.EntityFrameworkCore;

/// <summary>
/// What the stores make from a context's model and keep (compiled queries, statements), kept per
/// model instance. EF Core binds a compiled query to the model it first ran with and refuses any
/// other ("executed with a different model"), and a context type's model is not one instance for
/// the life of a process: EF Core keeps it in a memory cache with a size limit, shared with its
/// query cache, from which it can be evicted and then built again as a new instance (contexts made
/// before that keep the old one). Kept weakly: a model that is gone takes what was made from it along.
/// </summary>
/// <typeparam name="T">What is made.</typeparam>
/// <param name="make">Makes it from a context of the model, on the model's first use.</param>
internal sealed class PerModel<T>(Func<DbContext, T> make)
    where T : class
{
    private readonly ConditionalWeakTable<IModel, T> _made = [];

    /// <summary>What was made for <paramref name="db"/>'s model, made now on its first use.</summary>
    public T Of(DbContext db)
    {
        var model = db.Model;
        return _made.TryGetValue(model, out var made) ? made : _made.GetValue(model, _ => make(db));
    }
}
