using System.Text;
using System.Text.Json.Nodes;
using BenchmarkDotNet.Attributes;
using Scim.Core.Patching;
using Scim.Core.Resources;
using Scim.Core.Schema;
using Scim.Core.Serialization;

namespace Scim.Benchmarks;

/// <summary>
/// PATCH: the three-operation user update IdPs send most (replace active; replace the work email;
/// add title), and adding one member to a group of 10 and of 100,000 members through the delta path.
/// <para>
/// Apply changes its resource, so a request cannot be applied twice to one tree and change it both
/// times. Two ways around that are measured. <see cref="ApplyThreeOperations"/> patches a fresh copy
/// each call, and <see cref="CloneUser"/> measures that copy alone, to be subtracted; the difference
/// of two noisy figures is itself noisy. <see cref="ApplyThreeOperationsInPlace"/> measures the patch
/// alone: it applies the request and then a mirror of it (the same three operations with other
/// values) to one tree, so every call changes all three attributes, validates every value, resolves
/// the filter, keeps its undo state and computes the changed paths — everything a real PATCH does
/// apart from reading the body and copying the stored tree. The one difference from a stored user
/// without a title: after the first call "add title" replaces a title instead of appending one.
/// </para>
/// </summary>
[MemoryDiagnoser]
public class PatchBenchmarks
{
    private static readonly byte[] ThreeOperations = Encoding.UTF8.GetBytes("""
        {"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[
          {"op":"replace","path":"active","value":false},
          {"op":"replace","path":"emails[type eq \"work\"].value","value":"barbara.jensen@example.com"},
          {"op":"add","path":"title","value":"Tour Guide"}]}
        """);

    private static readonly byte[] ThreeOperationsMirror = Encoding.UTF8.GetBytes("""
        {"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[
          {"op":"replace","path":"active","value":true},
          {"op":"replace","path":"emails[type eq \"work\"].value","value":"bjensen@example.com"},
          {"op":"add","path":"title","value":"Guide"}]}
        """);

    private static readonly byte[] AddOneMember = Encoding.UTF8.GetBytes("""
        {"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[
          {"op":"add","path":"members","value":[{"value":"2819c223-7f76-453a-919d-413861904646"}]}]}
        """);

    private readonly SchemaRegistry _registry = SchemaRegistry.CreateDefault();
    private ScimPatcher _patcher = null!;
    private ScimResourceType _userType = null!;
    private ScimResourceType _groupType = null!;
    private JsonObject _user = null!;
    private PatchRequest _threeOperations = null!;
    private PatchRequest _threeOperationsMirror = null!;
    private JsonObject _patchedInPlace = null!;
    private PatchRequest _addOneMember = null!;
    private JsonObject _smallGroup = null!;
    private JsonObject _largeGroup = null!;

    [GlobalSetup]
    public void Setup()
    {
        _patcher = new ScimPatcher(_registry);
        _userType = _registry.FindResourceType("User")!;
        _groupType = _registry.FindResourceType("Group")!;
        _user = ScimSerializer.ToJsonObject(new User
        {
            Id = "2819c223-7f76-453a-919d-413861904646",
            UserName = "bjensen@example.com",
            Active = true,
            DisplayName = "Barbara Jensen",
            Name = new Name { GivenName = "Barbara", FamilyName = "Jensen" },
            Emails = [new Email { Value = "bjensen@example.com", Type = "work", Primary = true }],
            EnterpriseUser = new EnterpriseUser { EmployeeNumber = "701984", Department = "Tour Operations" },
        });
        _threeOperations = _patcher.ReadRequest(ThreeOperations);
        _threeOperationsMirror = _patcher.ReadRequest(ThreeOperationsMirror);
        _patchedInPlace = (JsonObject)_user.DeepClone();
        for (var i = 0; i < 2; i++)
        {
            // The in-place benchmark is only fair while each call really changes the three attributes.
            if (_patcher.Apply(_patchedInPlace, _userType, _threeOperations).ChangedPaths.Count != 3
                || _patcher.Apply(_patchedInPlace, _userType, _threeOperationsMirror).ChangedPaths.Count != 3)
            {
                throw new InvalidOperationException("The PATCH and its mirror must each change three attributes.");
            }
        }
        _addOneMember = _patcher.ReadRequest(AddOneMember);
        _smallGroup = Group(10);
        _largeGroup = Group(100_000);
    }

    [Benchmark(Baseline = true)]
    public JsonObject CloneUser() => (JsonObject)_user.DeepClone();

    [Benchmark]
    public object ApplyThreeOperations() => _patcher.Apply((JsonObject)_user.DeepClone(), _userType, _threeOperations);

    /// <summary>One 3-operation PATCH, without a copy: the request and its mirror in turn on one tree.</summary>
    [Benchmark(OperationsPerInvoke = 2)]
    public object ApplyThreeOperationsInPlace()
    {
        _patcher.Apply(_patchedInPlace, _userType, _threeOperations);
        return _patcher.Apply(_patchedInPlace, _userType, _threeOperationsMirror);
    }

    [Benchmark]
    public object ReadAndApplyThreeOperations() => _patcher.Apply((JsonObject)_user.DeepClone(), _userType, _patcher.ReadRequest(ThreeOperations));

    [Benchmark]
    public object AddMemberToGroupOf10() => _patcher.Apply(_smallGroup, _groupType, _addOneMember);

    [Benchmark]
    public object AddMemberToGroupOf100000() => _patcher.Apply(_largeGroup, _groupType, _addOneMember);

    private static JsonObject Group(int members)
    {
        var group = new Group { Id = "g", DisplayName = "All staff" };
        for (var i = 0; i < members; i++)
        {
            group.Members.Add(new GroupMember { Value = i.ToString(System.Globalization.CultureInfo.InvariantCulture), Type = "User" });
        }

        return ScimSerializer.ToJsonObject(group);
    }
}
