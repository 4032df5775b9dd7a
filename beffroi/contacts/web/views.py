"""The contacts pages: the address books, a book's cards with search, a card, its form,
import and export. Each view: read (``access``), act (``actions``), render."""

from __future__ import annotations

from collections.abc import Sequence

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from beffroi.contacts import access, actions, vcard
from beffroi.contacts.directory_book import SLUG as DIRECTORY_SLUG
from beffroi.contacts.directory_book import DirectoryBook, DirectoryCard
from beffroi.contacts.models import AddressBook, Card
from beffroi.contacts.policies import abilities, directory_abilities
from beffroi.contacts.web.forms import CardForm, ImportForm
from beffroi.core.errors import BeffroiError, InvalidInput, NotFound
from beffroi.directory.models import Agent
from beffroi.web.requests import acting_agent, address_of

Book = AddressBook | DirectoryBook
AnyCard = Card | DirectoryCard


def _books(agent: Agent) -> list[Book]:
    actions.do_ensure_default_address_book(agent)
    books: list[Book] = list(access.access_address_books(agent))
    if directory_abilities(agent).read:
        books.append(access.access_directory_book(agent))
    return books


def book_key(book: Book) -> str:
    return DIRECTORY_SLUG if isinstance(book, DirectoryBook) else str(book.pk)


def _book(agent: Agent, book_id: str) -> Book:
    try:
        if book_id == DIRECTORY_SLUG:
            return access.access_directory_book(agent)
        return access.access_address_book_by_id(agent, book_id)
    except NotFound:
        raise Http404 from None


def _writable(agent: Agent, book: Book) -> AddressBook:
    if isinstance(book, DirectoryBook) or not abilities(agent, book).write_cards:
        raise Http404
    return book


def _card(agent: Agent, book: Book, card_id: str) -> AnyCard:
    try:
        if isinstance(book, DirectoryBook):
            return access.access_directory_card(agent, f"{card_id}.vcf")
        return access.access_card_by_id(agent, book, card_id)
    except NotFound:
        raise Http404 from None


def card_key(card: AnyCard) -> str:
    return str(card.agent.pk) if isinstance(card, DirectoryCard) else str(card.pk)


def _rows(cards: Sequence[AnyCard]) -> list[dict[str, object]]:
    return [
        {
            "card": card,
            "key": card_key(card),
            "email": card.emails.split("\n")[0] if card.emails else "",
            "phone": card.phones.split("\n")[0] if card.phones else "",
        }
        for card in cards
    ]


@login_required
def address_book(request: HttpRequest, book_id: str = "") -> HttpResponse:
    agent = acting_agent(request)
    books = _books(agent)
    book = _book(agent, book_id) if book_id else books[0]
    search = request.GET.get("q", "").strip()[:200]
    if isinstance(book, DirectoryBook):
        cards: Sequence[AnyCard] = access.access_directory_cards(agent, search=search)
        writable = False
    else:
        cards = access.search_cards(agent, book, search)
        writable = abilities(agent, book).write_cards
    return render(
        request,
        "contacts/address_book.html",
        {
            "books": [{"book": b, "key": book_key(b)} for b in books],
            "book": book,
            "key": book_key(book),
            "rows": _rows(cards[:200]),
            "search": search,
            "writable": writable,
            "import_form": ImportForm() if writable else None,
        },
    )


@login_required
def card_detail(request: HttpRequest, book_id: str, card_id: str) -> HttpResponse:
    agent = acting_agent(request)
    book = _book(agent, book_id)
    card = _card(agent, book, card_id)
    writable = not isinstance(book, DirectoryBook) and abilities(agent, book).write_cards
    try:
        fields = vcard.fields_of(card.data)
    except vcard.InvalidCard:
        fields = vcard.CardFields(full_name=card.full_name)
    return render(
        request,
        "contacts/card.html",
        {
            "book": book,
            "key": book_key(book),
            "card": card,
            "card_key": card_key(card),
            "fields": fields,
            "emails": [line for line in card.emails.split("\n") if line],
            "writable": writable,
        },
    )


@login_required
def create_card(request: HttpRequest, book_id: str) -> HttpResponse:
    agent = acting_agent(request)
    book = _writable(agent, _book(agent, book_id))
    form = CardForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        text = vcard.build_card(form.card_fields())
        checked = vcard.parse_card(text)
        try:
            result = actions.do_put_card(
                agent, book, vcard.resource_name_for(checked.uid), text, if_none_match=True
            )
        except InvalidInput as problem:
            form.add_error(None, problem.message)
        else:
            messages.success(request, _("Contact « %(name)s » créé.") % {"name": result.card})
            return redirect("contacts:card", book_id=book_key(book), card_id=result.card.pk)
    return render(
        request,
        "contacts/card_form.html",
        {"book": book, "key": book_key(book), "form": form, "card": None},
    )


@login_required
def edit_card(request: HttpRequest, book_id: str, card_id: str) -> HttpResponse:
    agent = acting_agent(request)
    book = _writable(agent, _book(agent, book_id))
    card = _card(agent, book, card_id)
    assert isinstance(card, Card)
    if request.method == "POST":
        form = CardForm(request.POST)
        if form.is_valid():
            text = vcard.update_card(card.data, form.card_fields())
            try:
                actions.do_put_card(
                    agent, book, card.name, text, if_match=request.POST.get("etag") or card.etag
                )
            except BeffroiError as problem:
                form.add_error(None, problem.message)
            else:
                messages.success(request, _("Contact enregistré."))
                return redirect("contacts:card", book_id=book_key(book), card_id=card.pk)
    else:
        form = CardForm(initial=vcard.fields_of(card.data).__dict__)
    return render(
        request,
        "contacts/card_form.html",
        {"book": book, "key": book_key(book), "form": form, "card": card},
    )


@login_required
@require_POST
def delete_card(request: HttpRequest, book_id: str, card_id: str) -> HttpResponse:
    agent = acting_agent(request)
    book = _writable(agent, _book(agent, book_id))
    card = _card(agent, book, card_id)
    assert isinstance(card, Card)
    actions.do_delete_card(agent, book, card.name)
    messages.success(request, _("Contact « %(name)s » supprimé.") % {"name": card})
    return redirect("contacts:book", book_id=book_key(book))


@login_required
@require_POST
def import_cards(request: HttpRequest, book_id: str) -> HttpResponse:
    agent = acting_agent(request)
    book = _writable(agent, _book(agent, book_id))
    form = ImportForm(request.POST, request.FILES)
    target = reverse("contacts:book", kwargs={"book_id": book_key(book)})
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect(target)
    try:
        result = actions.do_import_cards(
            agent, book, form.cleaned_data["file"].read(), address=address_of(request)
        )
    except InvalidInput as problem:
        messages.error(request, _("Import refusé : %(reason)s") % {"reason": problem.message})
        return redirect(target)
    messages.success(
        request,
        _("Import terminé : %(created)s contacts ajoutés, %(updated)s mis à jour.")
        % {"created": result.created, "updated": result.updated},
    )
    return redirect(target)


@login_required
def export_cards(request: HttpRequest, book_id: str) -> HttpResponse:
    agent = acting_agent(request)
    book = _book(agent, book_id)
    if isinstance(book, DirectoryBook):
        cards: Sequence[AnyCard] = access.access_directory_cards(agent)
    else:
        cards = access.access_cards(agent, book)
    body = "".join(c.data if c.data.endswith("\n") else c.data + "\r\n" for c in cards)
    response = HttpResponse(body.encode("utf-8"), content_type="text/vcard; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{book.slug}.vcf"'
    return response
