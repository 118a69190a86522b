using CodeLsp.Workspace.Loading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;

namespace CodeLsp.Workspace.Tests.Context;

/// <summary>An in-memory solution of one project: the shared <see cref="Library"/> plus the files of a test case.</summary>
internal static class TestSolution
{
    public const string Library = """
        using System.Collections.Generic;

        namespace Shop;

        /// <summary>An amount of money in one currency.</summary>
        public readonly record struct Money(decimal Amount, string Currency)
        {
            public static Money Zero(string currency) => new(0, currency);

            /// <summary>Adds two amounts of the same currency.</summary>
            public Money Add(Money other) => this with { Amount = Amount + other.Amount };
        }

        public static class MoneyExtensions
        {
            /// <summary>Applies a percentage discount.</summary>
            public static Money WithDiscount(this Money money, decimal percent) => money;
        }

        public abstract class Entity
        {
            public int Id { get; init; }

            public void Touch() { }
        }

        public sealed class Order : Entity
        {
            private readonly List<OrderLine> _lines = new();

            public IReadOnlyList<OrderLine> Lines => _lines;

            public OrderStatus Status { get; set; }

            /// <summary>Adds a line or raises its quantity.</summary>
            public void AddLine(string sku, int quantity) { }

            public Money Total() => default;

            public sealed class Builder
            {
                public Builder WithCustomer(string name) => this;

                public Order Build() => new();
            }
        }

        public sealed record OrderLine(string Sku, int Quantity, Money Price);

        public enum OrderStatus { Draft, Placed, Shipped }

        public interface IRepository<T> where T : Entity
        {
            T? Find(int id);

            IReadOnlyList<T> List();

            void Save(T entity);
        }

        public static class ErrorCodes
        {
            public static class Validation
            {
                public const string Required = "required";
            }
        }

        public static class Formatter
        {
            public static string Format(Money money) => "";

            public static string Format(Money money, string culture) => "";

            public static string Format(Order order, bool withLines) => "";
        }
        """;

    private static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Preview);

    public static Document Create(string text, params string[] otherFiles) => Create(text, OutputKind.DynamicallyLinkedLibrary, otherFiles);

    public static Document Create(string text, OutputKind kind, params string[] otherFiles)
    {
        var workspace = new AdhocWorkspace();
        var projectId = ProjectId.CreateNewId();
        var solution = workspace.CurrentSolution.AddProject(ProjectInfo.Create(projectId, VersionStamp.Create(), "Test", "Test", LanguageNames.CSharp,
            filePath: "/src/Test/Test.csproj",
            compilationOptions: new CSharpCompilationOptions(kind, nullableContextOptions: NullableContextOptions.Enable),
            parseOptions: ParseOptions, metadataReferences: FrameworkReferences.All));
        solution = solution.AddDocument(DocumentId.CreateNewId(projectId), "Library.cs", SourceText.From(Library), filePath: "/src/Test/Library.cs");
        for (var i = 0; i < otherFiles.Length; i++)
            solution = solution.AddDocument(DocumentId.CreateNewId(projectId), $"Other{i}.cs", SourceText.From(otherFiles[i]), filePath: $"/src/Test/Other{i}.cs");
        var id = DocumentId.CreateNewId(projectId);
        solution = solution.AddDocument(id, "Current.cs", SourceText.From(text), filePath: "/src/Test/Current.cs");
        return solution.GetDocument(id)!;
    }
}
