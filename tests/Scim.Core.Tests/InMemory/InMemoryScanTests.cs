using CsCheck;
using Scim.Core.Filtering;
using Scim.Core.InMemory;
using Scim.Core.Resources;
using Scim.Core.Schema;
using Scim.Core.Stores;
using Scim.Core.Tests.Querying;

namespace Scim.Core.Tests.InMemory;

/// <summary>
/// A filtered scan of the in-memory store: whatever mix of creates, replaces and deletes came
/// before, every page, count and cursor must be what testing the rows one by one in id order gives.
/// </summary>
public sealed class InMemoryScanTests
{
    private static readonly ScimContext Context = new("tenant", "client");

    private static readonly string[] Filters =
    [
        "active eq true",
        "emails[type eq \"work\"]",
        "emails[type eq \"work\" and value co \"example.com\"] and active eq true",
        "userName sw \"b\"",
        "not (active eq true)",
    ];

    /// <summary>One write: the user's id (from a small pool, so writes hit the same rows), and what it does.</summary>
    private sealed record Write(int Id, int Kind, bool Active, bool Work, char Initial);

    private static readonly Gen<Write> WriteGen = Gen.Select(Gen.Int[0, 199], Gen.Int[0, 9], Gen.Bool, Gen.Bool, Gen.Char['a', 'c'])
        .Select((id, kind, active, work, initial) => new Write(id, kind, active, work, initial));

    [Fact]
    public void AfterAnyWrites_PagesCountsAndCursorsMatchTheRowsInIdOrder() =>
        Gen.Select(WriteGen.Array[0, 1500], Gen.Int[0, Filters.Length - 1], Gen.Int[1, 60], Gen.Int[0, 40]).Sample(
            (writes, filter, start, count) =>
            {
                var store = new InMemoryUserStore(SchemaRegistry.CreateDefault());
                var model = new SortedDictionary<string, User>(StringComparer.Ordinal);
                foreach (var write in writes)
                {
                    Apply(store, model, write);
                }

                var parsed = ScimFilterParser.Parse(Filters[filter]);
                var expected = model.Values.Where(u => Matches(Filters[filter], u)).Select(u => u.Id!).ToList();

                var page = store.QueryAsync(Context, new ScimQuery { Filter = parsed, StartIndex = start, Count = count }, CancellationToken.None).GetAwaiter().GetResult();
                Assert.Equal(expected.Count, page.TotalResults);
                Assert.Equal(expected.Skip(start - 1).Take(count), page.Resources.Select(u => u.Id!));

                var walked = new List<string>();
                var cursor = string.Empty;
                var step = Math.Max(count, 1);
                for (var pages = 0; cursor is not null; pages++)
                {
                    Assert.True(pages <= expected.Count + 1, "the cursor pages did not end");
                    var next = store.QueryAsync(Context, new ScimQuery { Filter = parsed, Cursor = cursor, Count = step }, CancellationToken.None).GetAwaiter().GetResult();
                    Assert.Equal(expected.Count, next.TotalResults);
                    walked.AddRange(next.Resources.Select(u => u.Id!));
                    cursor = next.NextCursor;
                }

                Assert.Equal(expected, walked);
            },
            iter: 300);

    private static void Apply(InMemoryUserStore store, SortedDictionary<string, User> model, Write write)
    {
        var id = $"{write.Id * 7919 % 1000:D4}"; // ids written in an order unrelated to theirs
        if (write.Kind == 0)
        {
            if (model.Remove(id))
            {
                Assert.True(store.DeleteAsync(Context, id, null, CancellationToken.None).GetAwaiter().GetResult().Succeeded);
            }

            return;
        }

        var user = new User
        {
            Id = id,
            UserName = $"{write.Initial}-{id}",
            Active = write.Active,
            Emails = [new Email { Type = write.Work ? "work" : "home", Value = $"{id}@example.com" }],
            Meta = new ResourceMeta { ResourceType = "User", Version = $"W/\"{write.Kind}\"" },
        };
        var result = model.ContainsKey(id)
            ? store.ReplaceAsync(Context, user, null, CancellationToken.None).GetAwaiter().GetResult()
            : store.CreateAsync(Context, user, CancellationToken.None).GetAwaiter().GetResult();
        Assert.True(result.Succeeded);
        model[id] = user;
    }

    private static bool Matches(string filter, User user) => filter switch
    {
        "active eq true" => user.Active == true,
        "emails[type eq \"work\"]" => user.Emails![0].Type == "work",
        "userName sw \"b\"" => user.UserName!.StartsWith('b'),
        "not (active eq true)" => user.Active != true,
        _ => user.Emails![0].Type == "work" && user.Active == true,
    };
}
