"""The library's models (version 2): an ISBN on books (unique), a database default for stock, a check."""
from django.db import models


class Author(models.Model):
    name = models.CharField(max_length=200)
    born = models.DateField(null=True, blank=True)

    def __str__(self):
        return self.name


class Book(models.Model):
    title = models.CharField(max_length=300, db_index=True)
    author = models.ForeignKey(Author, on_delete=models.CASCADE, related_name="books")
    published = models.DateField(null=True)
    isbn = models.CharField(max_length=13, unique=True, null=True)
    stock = models.PositiveIntegerField(db_default=0)

    class Meta:
        constraints = [models.CheckConstraint(condition=models.Q(stock__lte=10000), name="book_stock_at_most_10000")]
