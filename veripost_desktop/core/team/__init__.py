"""The team repository: the store describes itself with one manifest per
package, and each desktop's catalog is a local index of it (issue 11)."""
