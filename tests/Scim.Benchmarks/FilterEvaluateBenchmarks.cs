using System.Text.Json.Nodes;
using BenchmarkDotNet.Attributes;
using Scim.Core.Filtering;
using Scim.Core.Querying;
using Scim.Core.Resources;
using Scim.Core.Schema;
using Scim.Core.Serialization;

namespace Scim.Benchmarks;

/// <summary>
/// Evaluating the ten representative filters against resources: the JSON evaluator, the LINQ
/// translation compiled for LINQ to Objects over typed users, and the cached compile hit.
/// </summary>
[MemoryDiagnoser]
public class FilterEvaluateBenchmarks
{
    private const int Population = 100;

    private readonly SchemaRegistry _registry = SchemaRegistry.CreateDefault();
    private ScimResourceType _userType = null!;
    private ScimFilterEvaluator _evaluator = null!;
    private Func<JsonObject, bool>[] _jsonPredicates = null!;
    private Func<User, bool>[] _typedPredicates = null!;
    private JsonObject[] _jsonUsers = null!;
    private User[] _users = null!;

    [GlobalSetup]
    public void Setup()
    {
        _userType = _registry.FindResourceType("User")!;
        _evaluator = new ScimFilterEvaluator(_registry);
        var translator = new LinqFilterTranslator(_registry) { CaseFolding = CaseFolding.ToUpperInvariant };
        _jsonPredicates = [.. FilterParseBenchmarks.Representative.Select(f => _evaluator.Compile(f, _userType))];
        _typedPredicates = [.. FilterParseBenchmarks.Representative.Select(f => translator.Translate(f, _userType, ResourceMappings.User).Compile())];
        _users = [.. Enumerable.Range(0, Population).Select(CreateUser)];
        _jsonUsers = [.. _users.Select(ScimSerializer.ToJsonObject)];
    }

    /// <summary>Ten filters over 100 users: divide the mean by 1,000 for the cost per filter and resource.</summary>
    [Benchmark(OperationsPerInvoke = 10 * Population)]
    public int EvaluateJson()
    {
        var matches = 0;
        foreach (var predicate in _jsonPredicates)
        {
            foreach (var user in _jsonUsers)
            {
                if (predicate(user))
                {
                    matches++;
                }
            }
        }

        return matches;
    }

    /// <summary>The same through the LINQ translator, compiled for typed users.</summary>
    [Benchmark(OperationsPerInvoke = 10 * Population)]
    public int EvaluateTypedLinq()
    {
        var matches = 0;
        foreach (var predicate in _typedPredicates)
        {
            foreach (var user in _users)
            {
                if (predicate(user))
                {
                    matches++;
                }
            }
        }

        return matches;
    }

    /// <summary>Compile of an already-compiled filter: a cache hit, which should not allocate.</summary>
    [Benchmark]
    public Func<JsonObject, bool> CompileCachedHit() => _evaluator.Compile(FilterParseBenchmarks.Representative[0], _userType);

    private static User CreateUser(int i) => new()
    {
        Id = Guid.NewGuid().ToString(),
        ExternalId = $"ext-{i}",
        UserName = i % 10 == 0 ? "bjensen@example.com" : $"user{i}@example.com",
        Active = i % 3 != 0,
        Title = i % 4 == 0 ? null : "Engineer",
        UserType = i % 2 == 0 ? "Employee" : "Intern",
        Name = new Name { GivenName = $"Given{i}", FamilyName = $"Family{i}" },
        Emails =
        [
            new Email { Value = $"user{i}@example.com", Type = "work", Primary = true },
            new Email { Value = $"user{i}@home.example.org", Type = "home" },
        ],
        Ims = i % 5 == 0 ? [new InstantMessagingAddress { Value = $"user{i}@foo.com", Type = "xmpp" }] : [],
        EnterpriseUser = new EnterpriseUser
        {
            EmployeeNumber = (700000 + i).ToString(System.Globalization.CultureInfo.InvariantCulture),
            Manager = new Manager { Value = "26118915-6090-4610-87e4-49d8ca9f808d" },
        },
        Meta = new ResourceMeta
        {
            ResourceType = "User",
            Created = new DateTimeOffset(2011, 1, 1, 0, 0, 0, TimeSpan.Zero).AddDays(i * 3),
            LastModified = new DateTimeOffset(2011, 1, 1, 0, 0, 0, TimeSpan.Zero).AddDays(i * 5),
        },
    };
}
